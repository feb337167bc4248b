// Declarative DigiCert code signing certificate orders (CertCentral Services API v2).
package digicert
