import { expect } from "chai";
import { AttributeValueError, toAttributeValue, toItem } from "../../modules/table/attribute-value";

describe("toAttributeValue", () => {
  it("marshals scalars to S, N, BOOL, NULL and B (base64)", () => {
    expect(toAttributeValue("x")).to.deep.equal({ S: "x" });
    expect(toAttributeValue("")).to.deep.equal({ S: "" });
    expect(toAttributeValue(42)).to.deep.equal({ N: "42" });
    expect(toAttributeValue(-1.5)).to.deep.equal({ N: "-1.5" });
    expect(toAttributeValue(12345678901234567890n)).to.deep.equal({ N: "12345678901234567890" });
    expect(toAttributeValue(true)).to.deep.equal({ BOOL: true });
    expect(toAttributeValue(null)).to.deep.equal({ NULL: true });
    expect(toAttributeValue(new Uint8Array([104, 105]))).to.deep.equal({ B: "aGk=" });
    expect(toAttributeValue(Buffer.from("hi"))).to.deep.equal({ B: "aGk=" });
  });

  it("marshals arrays to L, plain objects to M and sets to SS, NS and BS", () => {
    expect(toAttributeValue([1, "a", [false]])).to.deep.equal({ L: [{ N: "1" }, { S: "a" }, { L: [{ BOOL: false }] }] });
    expect(toAttributeValue({ a: { b: null } })).to.deep.equal({ M: { a: { M: { b: { NULL: true } } } } });
    expect(toAttributeValue(new Set(["b", "a"]))).to.deep.equal({ SS: ["a", "b"] });
    expect(toAttributeValue(new Set([10, 3, 1]))).to.deep.equal({ NS: ["1", "3", "10"] });
    expect(toAttributeValue(new Set([new Uint8Array([2]), new Uint8Array([1])]))).to.deep.equal({ BS: ["AQ==", "Ag=="] });
    expect(toAttributeValue(new Set([new Uint8Array([1])]))).to.deep.equal({ BS: ["AQ=="] });
  });

  it("leaves undefined members of an item out", () => {
    expect(toItem({ id: "1", gone: undefined, n: 0 })).to.deep.equal({ id: { S: "1" }, n: { N: "0" } });
  });

  it("rejects values DynamoDB cannot store, naming the path", () => {
    const fails = (value: unknown, path: string, reason: RegExp) => {
      try {
        toAttributeValue(value);
      } catch (e) {
        expect(e).to.be.instanceOf(AttributeValueError);
        expect((e as AttributeValueError).path).to.equal(path);
        expect((e as Error).message).to.match(reason);
        return;
      }
      expect.fail(`expected ${String(value)} to be rejected`);
    };
    fails(Number.NaN, "$", /NaN is not a finite number/);
    fails({ a: [1, Infinity] }, "$.a[1]", /Infinity is not a finite number/);
    fails(new Set(), "$", /empty Set/);
    fails(new Set(["a", 1]), "$", /only strings, only numbers or only binary/);
    fails([undefined], "$[0]", /undefined cannot be stored/);
    fails({ d: new Date(0) }, "$.d", /a Date cannot be stored/);
    fails(() => 1, "$", /a function cannot be stored/);
    fails(new Map(), "$", /a Map cannot be stored/);
  });
});
