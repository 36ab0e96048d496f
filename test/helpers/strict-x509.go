// strict-x509: a strict X.509 judge for the peer tests, written with Go's standard library only.
//
// Go's crypto/x509 parser follows RFC 5280 closely: it refuses a PrintableString holding characters
// outside its alphabet (such as '@'), an IA5String holding non-ASCII, an invalid UTF8String, bad DER
// lengths and tags. Partners' Go and Python SAML/JWT stacks parse our certificates the same way.
//
// Usage: strict-x509 < file.pem
// Reads every CERTIFICATE and CERTIFICATE REQUEST block from stdin (other blocks are skipped) and prints one JSON object per block:
//
//	{"kind":"certificate","subject":[{"oid":"2.5.4.3","tag":12,"value":"…"}],"issuer":[…]}
//	{"kind":"certificate request","subject":[…],"signatureValid":true}
//
// where tag is the universal ASN.1 tag of each attribute value (12 UTF8String, 19 PrintableString,
// 22 IA5String). Exits 1 with a message on stderr when any block does not parse.
package main

import (
	"crypto/x509"
	"encoding/asn1"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"os"
)

type attribute struct {
	OID   string `json:"oid"`
	Tag   int    `json:"tag"`
	Value string `json:"value"`
}

type verdict struct {
	Kind           string      `json:"kind"`
	Subject        []attribute `json:"subject"`
	Issuer         []attribute `json:"issuer,omitempty"`
	SignatureValid *bool       `json:"signatureValid,omitempty"`
}

// attributes lists a DER Name's attributes in order, with the tag each value was written with.
// crypto/x509 has already validated the Name; this only reads the tags it does not expose.
func attributes(raw []byte) ([]attribute, error) {
	var rawRdns asn1.RawValue
	if rest, err := asn1.Unmarshal(raw, &rawRdns); err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("name: %v", err)
	}
	var out []attribute
	for rest := rawRdns.Bytes; len(rest) > 0; {
		var set asn1.RawValue
		var err error
		if rest, err = asn1.Unmarshal(rest, &set); err != nil {
			return nil, err
		}
		for inner := set.Bytes; len(inner) > 0; {
			var atv struct {
				Type  asn1.ObjectIdentifier
				Value asn1.RawValue
			}
			if inner, err = asn1.Unmarshal(inner, &atv); err != nil {
				return nil, err
			}
			out = append(out, attribute{OID: atv.Type.String(), Tag: atv.Value.Tag, Value: string(atv.Value.Bytes)})
		}
	}
	return out, nil
}

func judge(block *pem.Block) (verdict, error) {
	switch block.Type {
	case "CERTIFICATE":
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return verdict{}, err
		}
		subject, err := attributes(cert.RawSubject)
		if err != nil {
			return verdict{}, err
		}
		issuer, err := attributes(cert.RawIssuer)
		if err != nil {
			return verdict{}, err
		}
		return verdict{Kind: "certificate", Subject: subject, Issuer: issuer}, nil
	case "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST":
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil {
			return verdict{}, err
		}
		subject, err := attributes(csr.RawSubject)
		if err != nil {
			return verdict{}, err
		}
		valid := csr.CheckSignature() == nil
		return verdict{Kind: "certificate request", Subject: subject, SignatureValid: &valid}, nil
	}
	return verdict{}, fmt.Errorf("unexpected PEM block %q", block.Type)
}

var judged = map[string]bool{"CERTIFICATE": true, "CERTIFICATE REQUEST": true, "NEW CERTIFICATE REQUEST": true}

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "strict-x509:", err)
		os.Exit(2)
	}
	encoder := json.NewEncoder(os.Stdout)
	encoder.SetEscapeHTML(false)
	count := 0
	for rest := input; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if !judged[block.Type] {
			continue // keys and other blocks next to the certificates are not ours to judge
		}
		count++
		result, err := judge(block)
		if err != nil {
			fmt.Fprintf(os.Stderr, "strict-x509: block %d (%s): %v\n", count, block.Type, err)
			os.Exit(1)
		}
		if err := encoder.Encode(result); err != nil {
			fmt.Fprintln(os.Stderr, "strict-x509:", err)
			os.Exit(2)
		}
	}
	if count == 0 {
		fmt.Fprintln(os.Stderr, "strict-x509: no PEM certificate or certificate request on stdin")
		os.Exit(1)
	}
}
