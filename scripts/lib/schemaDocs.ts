/**
 * The schema's descriptions, from the SDK's TSDoc (sdk/args.ts for inputs, sdk/codeSigningOrder.ts for outputs):
 * one text for the TypeScript API reference and the plugin's SDKs. Build-time only (the TypeScript compiler reads
 * the sources); the plugin serves the committed schema.json.
 */
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { PropertyDocs } from "../../provider/plugin/schema";

/** Which property path each documented interface (or the resource class) describes. */
const DOCUMENTED: Record<string, string> = {
  CodeSigningOrderArgs: "",
  CertificateArgs: "certificate.",
  OrganizationArgs: "organization.",
  OrderValidityArgs: "orderValidity.",
  ShipInfoArgs: "shipInfo.",
  CustomFieldArgs: "customFields.",
  CodeSigningOrder: "",
};

/** One paragraph of plain text: TSDoc's line breaks joined, its backticks kept (Markdown in every SDK's docs). */
function textOf(node: ts.Node): string | undefined {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const comment = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? "").join(" ");
  const text = comment.replace(/\s+/g, " ").trim();
  return text === "" ? undefined : text;
}

export function schemaDocs(repoRoot: string): PropertyDocs {
  const docs: Record<string, string> = {};
  for (const file of ["sdk/args.ts", "sdk/codeSigningOrder.ts"]) {
    const source = ts.createSourceFile(
      file,
      fs.readFileSync(path.join(repoRoot, file), "utf8"),
      ts.ScriptTarget.ES2022,
      true,
    );
    source.forEachChild((node) => {
      if (!(ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) || !node.name) return;
      const prefix = DOCUMENTED[node.name.text];
      if (prefix === undefined) return;
      for (const member of node.members) {
        if (!member.name || !ts.isIdentifier(member.name)) continue;
        if (!(ts.isPropertySignature(member) || ts.isPropertyDeclaration(member))) continue;
        const text = textOf(member);
        if (text !== undefined) docs[`${prefix}${member.name.text}`] = text;
      }
    });
  }
  return docs;
}
