// Flat config: typescript-eslint's recommended rules over every TypeScript source in the tree.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: ["dist/**", "node_modules/**", ".tmp/**", "docs/api/**", "sdk/go/**", "sdk/python/**"],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // The serialized provider shell must load its implementation with a run-time require by package name
    // (see sdk/providerShell.ts), and tests load built modules the same way.
    files: ["sdk/providerShell.ts", "harness/**/*.ts", "test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts"],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
