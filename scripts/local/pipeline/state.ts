/**
 * What the steps share across requests: the model and functions being served (swapped on
 * reload), and the counters and caches that survive a swap (throttle buckets, quotas, the
 * stage cache, authorizer results).
 */
import type { LocalCognito, PolicyDocument } from "../authorizers";
import { TtlCache } from "../cache";
import type { HttpResponse } from "../responses";
import type { ApiKeyModel, ApiModel, GatewayModel, MethodSettingsModel, StageModel } from "../model/types";
import { normalizeMethodPath, Quotas, Throttles } from "../throttle";
import { ModelValidators } from "../validation";
import type { FunctionPool } from "../workers";

export interface Served {
  readonly api: ApiModel;
  readonly stage: StageModel;
}

/** Method settings with `*∕*` merged in, and which entry they came from (the throttle bucket). */
export type MethodSettings = MethodSettingsModel & { readonly source: string };

export type AuthorizerEntry = { policy?: PolicyDocument; context: Record<string, unknown>; principalId?: string; usageKey?: string } | "unauthorized";

export class GatewayState {
  /** API stages by `<stack>/<stage>`. */
  served = new Map<string, Served>();
  validators = new Map<string, ModelValidators>();
  keysByValue = new Map<string, ApiKeyModel>();
  readonly throttles = new Throttles();
  readonly quotas = new Quotas();
  /** Lambda authorizer results, for each authorizer's TTL. */
  readonly authCache = new TtlCache<AuthorizerEntry>();
  /** The stage cache. */
  readonly cache = new TtlCache<HttpResponse>();
  /** Effective method settings by stage and method path, computed once (a swap brings new stage objects). */
  private readonly settingsCache = new WeakMap<StageModel, Map<string, MethodSettings>>();

  constructor(
    public model: GatewayModel,
    public pool: FunctionPool,
    readonly cognito: LocalCognito,
    readonly notice: (line: string) => void,
  ) {
    this.index();
  }

  /** Replaces the model and functions; counters, quotas and caches survive. Returns the old pool. */
  swap(model: GatewayModel, pool: FunctionPool): FunctionPool {
    const old = this.pool;
    this.model = model;
    this.pool = pool;
    this.index();
    return old;
  }

  private index(): void {
    this.served = new Map();
    this.validators = new Map();
    for (const api of this.model.apis) {
      this.validators.set(api.id, new ModelValidators(api));
      for (const stage of api.stages.values()) {
        const key = `${api.stack}/${stage.name}`;
        if (this.served.has(key)) this.notice(`two APIs in ${api.stack} have a stage "${stage.name}"; serving ${this.served.get(key)!.api.name}`);
        else this.served.set(key, { api, stage });
      }
    }
    this.keysByValue = new Map(this.model.apiKeys.map((k) => [k.value, k]));
  }

  settingsFor(stage: StageModel, methodPath: string): MethodSettings {
    let byPath = this.settingsCache.get(stage);
    if (!byPath) {
      byPath = new Map();
      this.settingsCache.set(stage, byPath);
    }
    let settings = byPath.get(methodPath);
    if (!settings) {
      settings = computeSettings(stage, methodPath);
      byPath.set(methodPath, settings);
    }
    return settings;
  }
}

function computeSettings(stage: StageModel, methodPath: string): MethodSettings {
  for (const [path, settings] of stage.methodSettings) {
    if (path !== "*/*" && normalizeMethodPath(path) === methodPath) return { ...(stage.methodSettings.get("*/*") ?? {}), ...stripUndefined(settings), source: methodPath };
  }
  return { ...(stage.methodSettings.get("*/*") ?? {}), source: "*/*" };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
