/** Writes schema.json from the codecs (`npm run schema`); test/unit/pluginSchema.test.ts fails when it is stale. */
import { readFileSync, writeFileSync } from "fs";
import * as path from "path";
import { schemaText } from "../provider/plugin/schema";
import { schemaDocs } from "./lib/schemaDocs";

const root = path.resolve(__dirname, "..", "..");
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string };
writeFileSync(path.join(root, "schema.json"), schemaText(version, schemaDocs(root)));
