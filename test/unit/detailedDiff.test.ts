/** The plugin's detailed diff: presentation of the core's decision, property by property. */
import { expect } from "chai";
import { DiffKind, detailedDiff } from "../../provider/plugin/detailedDiff";

const olds = {
  product: "code_signing",
  certificate: { csr: "CSR-A", signatureHash: "sha256" },
  container: { id: 777 },
  comments: "x",
};

describe("plugin detailed diff", () => {
  it("shows a reissue as the changed field of certificate, an update", () => {
    const news = { ...olds, certificate: { csr: "CSR-B", signatureHash: "sha256" } };
    expect(detailedDiff(olds, news, [])).to.deep.equal({ "certificate.csr": DiffKind.UPDATE });
  });
  it("shows a replacing change as a replacement of the whole property", () => {
    expect(detailedDiff(olds, { ...olds, product: "code_signing_ev" }, ["product"])).to.deep.equal({
      product: DiffKind.UPDATE_REPLACE,
    });
  });
  it("does not show a container left out as removed (it stays where it is), nor a declared one as unchanged", () => {
    const { container: _left, ...withoutContainer } = olds;
    expect(detailedDiff(olds, { ...withoutContainer, comments: "y" }, [])).to.deep.equal({
      comments: DiffKind.UPDATE,
    });
    expect(detailedDiff(olds, { ...olds, container: { id: 778 } }, ["container"])).to.deep.equal({
      container: DiffKind.UPDATE_REPLACE,
    });
  });
});
