// The cdktf app: every stack of every configured environment.
// `cdktf synth` runs this file (cdktf.json); so does `npm run synth`.
import { App } from "cdktf";
import { loadEnvironments } from "./modules/config/environments";
import { defineApp } from "./modules/services";

const app = new App();
defineApp(app, loadEnvironments());
app.synth();
