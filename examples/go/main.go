// A DigiCert code signing order from a Go program, through the pulumi-resource-digicert plugin and the Go SDK
// generated from its schema (sdk/go in this repository).
package main

import (
	"github.com/pulumi-digicert-code-signing/pulumi-digicert-code-signing/sdk/go/digicert"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		order, err := digicert.NewCodeSigningOrder(ctx, "release-signing", &digicert.CodeSigningOrderArgs{
			Product: pulumi.String("code_signing"),
			Certificate: &digicert.CertificateArgs{
				SignatureHash:  pulumi.String("sha256"),
				ServerPlatform: &digicert.CertificateServerPlatformArgs{Id: pulumi.Int(52)},
			},
			Organization:         &digicert.OrganizationArgs{Id: pulumi.Int(123456)},
			OrderValidity:        &digicert.OrderValidityArgs{Years: pulumi.Int(1)},
			CsProvisioningMethod: pulumi.String("client_app"),
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
