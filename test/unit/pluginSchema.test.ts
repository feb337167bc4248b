import { expect } from "chai";
import { readFileSync } from "fs";
import * as path from "path";
import { buildSchema, RESOURCE_TOKEN } from "../../provider/plugin/schema";
import { inputsCodec } from "../../provider";
import { schemaDocs } from "../../scripts/lib/schemaDocs";

const root = path.resolve(__dirname, "..", "..", "..");
const version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string })
  .version;

describe("plugin schema.json", () => {
  it("is what the codecs generate (run `npm run schema` after changing a codec)", () => {
    const committed: unknown = JSON.parse(readFileSync(path.join(root, "schema.json"), "utf8"));
    expect(committed).to.deep.equal(JSON.parse(JSON.stringify(buildSchema(version, schemaDocs(root)))));
  });

  it("declares every input of the codec but resourceKey (the plugin's own: the URN), and the secret ones as secret", () => {
    const resource = (
      buildSchema(version).resources as Record<string, Record<string, Record<string, unknown>>>
    )[RESOURCE_TOKEN]!;
    expect(Object.keys(resource.inputProperties!)).to.have.members(
      inputsCodec.keys.filter((k) => k !== "resourceKey"),
    );
    expect(resource.properties).to.have.property("resourceKey");
    const secret = (k: string) => (resource.properties![k] as { secret?: boolean }).secret === true;
    expect(["shipInfo", "customFields", "hardwareInitCode"].filter(secret)).to.have.length(3);
  });
});
