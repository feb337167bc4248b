// Command sdkgen writes the Go and Python SDKs of the digicert provider from its schema.json, with the code
// generators of github.com/pulumi/pulumi/pkg/v3 (the CLI's `pulumi package gen-sdk` needs a language host per
// language, which cannot all be built here). Usage: go run . <schema.json> <output folder>; it writes
// <out>/go and <out>/python, replacing what was there but go.mod and go.sum.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blang/semver"
	gogen "github.com/pulumi/pulumi/pkg/v3/codegen/go"
	"github.com/pulumi/pulumi/pkg/v3/codegen/python"
	"github.com/pulumi/pulumi/pkg/v3/codegen/schema"
)

const tool = "pulumi-digicert-sdkgen"

// The Go SDK's import path and the Python package name, when the schema does not set them.
const goImportBasePath = "github.com/pulumi-digicert-code-signing/pulumi-digicert-code-signing/sdk/go/digicert"

// noLoader refuses every package reference: the digicert schema refers to no other package.
type noLoader struct{}

func (noLoader) LoadPackage(name string, _ *semver.Version) (*schema.Package, error) {
	return nil, fmt.Errorf("the schema refers to package %q; sdkgen loads no other package", name)
}

func (l noLoader) LoadPackageV2(_ context.Context, d *schema.PackageDescriptor) (*schema.Package, error) {
	return l.LoadPackage(d.Name, nil)
}

func (l noLoader) LoadPackageReference(name string, v *semver.Version) (schema.PackageReference, error) {
	_, err := l.LoadPackage(name, v)
	return nil, err
}

func (l noLoader) LoadPackageReferenceV2(_ context.Context, d *schema.PackageDescriptor) (schema.PackageReference, error) {
	return l.LoadPackageReference(d.Name, nil)
}

// bind reads the schema afresh: each generator records its language's settings in the package it is given.
func bind(path string) (*schema.Package, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var spec schema.PackageSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if spec.Language == nil {
		spec.Language = map[string]schema.RawMessage{}
	}
	if _, ok := spec.Language["go"]; !ok {
		spec.Language["go"] = schema.RawMessage(fmt.Sprintf(`{"importBasePath":%q}`, goImportBasePath))
	}
	pkg, diags, err := schema.BindSpec(spec, noLoader{}, schema.ValidationOptions{})
	if err != nil {
		return nil, err
	}
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", path, diags.Error())
	}
	return pkg, nil
}

// handWritten are kept when a folder is regenerated: the Go SDK's module files are written by hand.
var handWritten = []string{"go.mod", "go.sum"}

func write(dir string, files map[string][]byte) error {
	kept := map[string][]byte{}
	for _, name := range handWritten {
		if content, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
			kept[name] = content
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	for name, content := range kept {
		files[name] = content
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func run(schemaPath, out string) error {
	generators := map[string]func(*schema.Package) (map[string][]byte, error){
		"go": func(p *schema.Package) (map[string][]byte, error) { return gogen.GeneratePackage(tool, p, nil) },
		"python": func(p *schema.Package) (map[string][]byte, error) {
			return python.GeneratePackage(tool, p, nil, noLoader{})
		},
	}
	for _, language := range []string{"go", "python"} {
		pkg, err := bind(schemaPath)
		if err != nil {
			return err
		}
		files, err := generators[language](pkg)
		if err != nil {
			return fmt.Errorf("%s SDK: %w", language, err)
		}
		if err := write(filepath.Join(out, language), files); err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "sdkgen: %s SDK: %d files in %s\n", language, len(files), filepath.Join(out, language))
	}
	return nil
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: sdkgen <schema.json> <output folder>")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "sdkgen:", err)
		os.Exit(1)
	}
}
