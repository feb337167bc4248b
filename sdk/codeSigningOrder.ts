import * as pulumi from "@pulumi/pulumi";
import { CodeSigningOrderArgs, OrderRequestSummary, ReissueSummary } from "./args";
import { providerShell } from "./providerShell";
import { OUTPUT_KEYS, SECRET_INPUTS, SECRET_OUTPUTS } from "./outputs";

/**
 * Ties the resource's successive orders together and keeps other resources' orders apart: its organization,
 * project, stack, parent (two resources of one name may live under different parents) and name, as its URN does.
 */
function resourceKeyOf(name: string, opts: pulumi.CustomResourceOptions | undefined): pulumi.Input<string> {
  const root = `${organization()}${pulumi.getProject()}/${pulumi.getStack()}`;
  return opts?.parent ? pulumi.interpolate`${root}/${opts.parent.urn}/${name}` : `${root}/${name}`;
}

/** The Pulumi organization, so that two organizations' stacks of one name never share orders; older CLIs set none. */
function organization(): string {
  try {
    return `${pulumi.getOrganization()}/`;
  } catch {
    return "";
  }
}

/**
 * A DigiCert code signing certificate order (OV `code_signing` or EV `code_signing_ev`), placed through
 * CertCentral's Services API v2. `pulumi up` places the order once; `pulumi refresh` follows it to issuance;
 * `pulumi destroy` does what `onDelete` says. The resource ID is the DigiCert order ID.
 */
export class CodeSigningOrder extends pulumi.dynamic.Resource {
  /** The DigiCert order ID. */
  declare readonly orderId: pulumi.Output<number>;
  /** The order's status: needs_approval, pending, waiting_pickup, issued, reissue_pending, rejected, canceled, revoked, expired (or whatever DigiCert reports). */
  declare readonly status: pulumi.Output<string>;
  /** The order's requests and their statuses. */
  declare readonly requests: pulumi.Output<OrderRequestSummary[]>;
  /** The certificate ID, once DigiCert has assigned one (after approval). */
  declare readonly certificateId: pulumi.Output<number | undefined>;
  /** The organization's ID: the one given, or the one DigiCert created with the order. */
  declare readonly organizationId: pulumi.Output<number | undefined>;
  /** The certificate's serial number (hex), once issued. */
  declare readonly serialNumber: pulumi.Output<string | undefined>;
  /** The certificate's SHA-1 thumbprint (hex), once issued. */
  declare readonly thumbprint: pulumi.Output<string | undefined>;
  /** First day of validity (`YYYY-MM-DD`), once issued. */
  declare readonly validFrom: pulumi.Output<string | undefined>;
  /** Last day of validity (`YYYY-MM-DD`), once issued. */
  declare readonly validTill: pulumi.Output<string | undefined>;
  /** When the certificate was issued (ISO 8601), once issued. */
  declare readonly dateIssued: pulumi.Output<string | undefined>;
  /** The alternative order ID the order carries at DigiCert. */
  declare readonly assignedAlternativeOrderId: pulumi.Output<string | undefined>;
  /** The order this one renewed or replaced. */
  declare readonly predecessorOrderId: pulumi.Output<number | undefined>;
  /** False when DigiCert refused to link a renewal and an unlinked order was placed. */
  declare readonly renewalLinked: pulumi.Output<boolean | undefined>;
  /** True when the resource took over an existing order (`existingOrderId`, or one found by its alternative order ID). */
  declare readonly adoptedExistingOrder: pulumi.Output<boolean | undefined>;
  /**
   * The order's own validity end (`YYYY-MM-DD`, DigiCert's `order_valid_till`). An order may cover up to 3 years
   * while each certificate lives at most 459 days: until this date renewals are free reissues, not new orders.
   */
  declare readonly orderValidTill: pulumi.Output<string | undefined>;
  /**
   * The issued certificate, PEM-encoded, once issued and again after each reissue (downloaded once per
   * certificate). Absent where DigiCert offers no download (e.g. certificates installed on a token).
   */
  declare readonly certificatePem: pulumi.Output<string | undefined>;
  /** The intermediate CA certificates (PEM, in the order DigiCert's download lists them), without the root. */
  declare readonly chainPem: pulumi.Output<string | undefined>;
  /**
   * The certificate ID `certificatePem` and `chainPem` belong to (also set when DigiCert offered no download for it,
   * so that it is asked once per certificate). While a reissue is pending it is the current certificate's.
   */
  declare readonly downloadedCertificateId: pulumi.Output<number | undefined>;
  /**
   * The initialization code for DigiCert's Hardware Certificate Installer (`ship_token` and `client_app` orders,
   * once issued). A secret: stored encrypted, shown only with `--show-secrets`.
   */
  declare readonly hardwareInitCode: pulumi.Output<string | undefined>;
  /**
   * The last reissue requested (a change of `certificate.csr`, `signatureHash`, `serverPlatform` or
   * `csProvisioningMethod` on an issued order, or a renewal inside the order), until its certificate is issued:
   * `status` is `pending`, or `rejected` / `canceled` when DigiCert turned it down (the next `pulumi up` requests
   * it again). `requested` holds the inputs it carries: the echoed inputs keep what the current certificate was
   * issued for until then.
   */
  declare readonly reissue: pulumi.Output<ReissueSummary | undefined>;

  constructor(name: string, args: CodeSigningOrderArgs, opts?: pulumi.CustomResourceOptions) {
    // The SDK records a stack trace for each of the ~4 promises behind every property (used only to report leaked
    // promises), and a program's source maps make each trace costly: with ~30 properties that was most of the
    // extra time `pulumi preview` spent per order (measured with a CPU profile of the language host). Those traces
    // are taken without frames here; the resource's own source position is taken by the SDK with its own limit.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(...CodeSigningOrder.registration(name, args, opts));
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
  }

  private static registration(
    name: string,
    args: CodeSigningOrderArgs,
    opts: pulumi.CustomResourceOptions | undefined,
  ): ConstructorParameters<typeof pulumi.dynamic.Resource> {
    // An output exists on the resource only if its key is in the props.
    const outputs = Object.fromEntries(OUTPUT_KEYS.map((key) => [key, undefined]));
    // A person's name and address, and account data: secret inputs too, so state encrypts them as inputs as well
    // (additionalSecretOutputs only covers outputs).
    const secrets = Object.fromEntries(
      SECRET_INPUTS.map((key) => [key, args[key] === undefined ? undefined : pulumi.secret(args[key])]),
    );
    return [
      providerShell,
      name,
      {
        ...args,
        ...secrets,
        resourceKey: resourceKeyOf(name, opts),
        ...outputs,
      },
      {
        ...opts,
        additionalSecretOutputs: [
          ...(opts?.additionalSecretOutputs ?? []),
          ...SECRET_INPUTS,
          ...SECRET_OUTPUTS,
        ],
      },
      "digicert",
      "CodeSigningOrder",
    ];
  }
}
