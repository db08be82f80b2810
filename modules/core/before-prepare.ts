/**
 * Work that creates resources late (once every `add*` call is known) but must still take part
 * in cdktf's cross-stack references.
 *
 * `App.synth()` first prepares every stack: a resolve that turns a reference to another
 * stack's resource into a read of that stack's remote state (and an output there). Only then
 * does it synthesize each stack, running its aspects. A resource an aspect creates misses the
 * preparing pass: a reference to another stack found only in it stays
 * `${aws_x.name.attr}`, naming a resource of the other stack, and Terraform refuses the stack
 * ("Reference to undeclared resource"). `beforePrepare` runs the work when the stack is
 * prepared instead, and then prepares what it created; an aspect can stay as the fallback for
 * `Testing.synth`, which prepares nothing (the work must then run once, whichever comes first).
 */
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformStack, Tokenization } from "cdktf";
import type { IConstruct } from "constructs";

const pending = new WeakMap<TerraformStack, (() => void)[]>();
const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** The stack's own Terraform elements (not those of nested stacks), as its prepare step sees them. */
function elements(stack: TerraformStack): TerraformElement[] {
  const out: TerraformElement[] = [];
  const visit = (node: IConstruct): void => {
    if (TerraformElement.isTerraformElement(node)) out.push(node);
    for (const child of node.node.children) if (!TerraformStack.isStack(child)) visit(child);
  };
  visit(stack);
  return out;
}

/**
 * Runs `work` when `scope`'s stack is prepared by `App.synth()`, after the stack's own
 * preparing resolve (so the resolve sees what it always saw), then prepares the elements
 * `work` created, so their references to other stacks become remote-state reads.
 */
export function beforePrepare(scope: IConstruct, work: () => void): void {
  const stack = TerraformStack.of(scope);
  const queued = pending.get(stack);
  if (queued) {
    queued.push(work);
    return;
  }
  const list = [work];
  pending.set(stack, list);
  const prepare = stack.prepareStack.bind(stack);
  stack.prepareStack = () => {
    prepare();
    const before = new Set(elements(stack));
    for (const w of list) w();
    for (const e of elements(stack)) {
      if (!before.has(e)) Tokenization.resolve(e.toTerraform(), { scope: stack, preparing: true, resolver: RESOLVER });
    }
  };
}
