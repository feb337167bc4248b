// A DigiCert code signing order from a Go program, through the pulumi-resource-digicert plugin and the Go SDK
// generated from its schema (sdk/go in this repository).
package main

import (
	"os"

	"github.com/pulumi-digicert-code-signing/pulumi-digicert-code-signing/sdk/go/digicert"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		// The CSR of your signing key. A new CSR in this file is a key rotation: one reissue of the same order.
		csr, err := os.ReadFile("signing-key.csr.pem")
		if err != nil {
			return err
		}
		order, err := digicert.NewCodeSigningOrder(ctx, "release-signing", &digicert.CodeSigningOrderArgs{
			Product: pulumi.String("code_signing"),
			Certificate: &digicert.CertificateArgs{
				Csr:           pulumi.String(string(csr)),
				SignatureHash: pulumi.String("sha256"),
			},
			Organization:         &digicert.OrganizationArgs{Id: pulumi.Int(123456)},
			OrderValidity:        &digicert.OrderValidityArgs{Years: pulumi.Int(1)},
			CsProvisioningMethod: pulumi.String("email"),
			SkipApproval:         pulumi.Bool(true),
			PaymentMethod:        pulumi.String("balance"),
			WaitFor:              pulumi.String("none"),
		})
		if err != nil {
			return err
		}
		ctx.Export("orderId", order.OrderId)
		ctx.Export("status", order.Status)
		return nil
	})
}
