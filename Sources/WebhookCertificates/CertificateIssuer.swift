import Crypto
import FoundationEssentials
import SwiftASN1
import X509

/// Makes the webhook's certificate authority and the serving certificates it signs, shaped as
/// Go's verifier in the API server demands: a CA with basicConstraints and keyCertSign, a leaf
/// with subjectAltNames (Go ignores the common name) and the serverAuth usage. P-256 keys.
enum CertificateIssuer {
    /// Both are valid from this long before issue, for clocks that are a little behind.
    static let backdate: TimeInterval = 3600

    static func authority(now: Date, validity: TimeInterval) throws -> IssuedPair {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("eni-config-agent")
            CommonName("eni-config-agent webhook CA")
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - backdate, notValidAfter: now + validity,
            issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
                SubjectKeyIdentifier(hash: .init(key.publicKey))
            },
            issuerPrivateKey: .init(key))
        return IssuedPair(certificate: certificate, privateKey: .init(key))
    }

    static func serving(dnsNames: [String], authority: IssuedPair, now: Date, validity: TimeInterval) throws -> IssuedPair {
        let key = P256.Signing.PrivateKey()
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(key.publicKey),
            notValidBefore: now - backdate, notValidAfter: min(now + validity, authority.certificate.notValidAfter),
            issuer: authority.certificate.subject,
            subject: try DistinguishedName { CommonName(dnsNames.first ?? "eni-config-webhook") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(dnsNames.map { .dnsName($0) })
                AuthorityKeyIdentifier(keyIdentifier: try authority.certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: authority.privateKey)
        return IssuedPair(certificate: certificate, privateKey: .init(key))
    }
}

/// A certificate and its private key.
struct IssuedPair: Sendable {
    let certificate: Certificate
    let privateKey: Certificate.PrivateKey

    var certificatePEM: String {
        get throws { try certificate.serializeAsPEM().pemString + "\n" }
    }

    var privateKeyPEM: String {
        get throws { try privateKey.serializeAsPEM().pemString + "\n" }
    }
}
