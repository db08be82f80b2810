import type { App } from "cdktf";
import type { Environment } from "../config/environments";

/**
 * Adds every stack of every environment to the app. Services and the platform stack
 * are added here as they land.
 */
export function defineApp(app: App, environments: readonly Environment[]): void {
  void app;
  void environments;
}
