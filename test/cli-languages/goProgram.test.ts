import { describePluginProgram } from "./pluginProgram";

describePluginProgram({ example: "go" });
