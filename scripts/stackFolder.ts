/**
 * `node dist/scripts/stackFolder.js` (after `npm run build`): makes a folder where the example project runs with the
 * real Pulumi CLI, and prints its path. This checkout is not such a folder: the provider host loads
 * `pulumi-digicert-code-signing/provider` by name from the project folder, so the package must sit in its
 * node_modules, as it does after `npm install pulumi-digicert-code-signing`. The folder holds Pulumi.yaml, the stack
 * files and the compiled program, with node_modules linked to this checkout (rebuild, and the folder sees it).
 * It lives under .tmp/programs/; delete it with `rm -rf <folder>` (the links are not followed).
 */
import { createStackProject } from "./lib/stackProject";

console.log(createStackProject());
