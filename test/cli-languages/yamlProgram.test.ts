import { describePluginProgram } from "./pluginProgram";

describePluginProgram({ example: "yaml" });
