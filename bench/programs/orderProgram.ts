/** A user's program with `CodeSigningOrder` resources: the bench captures their `__provider` and inputs. */
import { CodeSigningOrder } from "../../sdk";
import { PROGRAM_RESOURCE_NAMES, SAMPLE_ARGS } from "./sample";

export default function program(): void {
  for (const name of PROGRAM_RESOURCE_NAMES) new CodeSigningOrder(name, SAMPLE_ARGS);
}
