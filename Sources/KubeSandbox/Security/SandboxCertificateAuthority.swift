import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import X509

/// A throwaway CA and a serving certificate it signs, made fresh for each sandbox, so clients
/// verify TLS (certificate-authority-data in the kubeconfig) instead of skipping verification.
/// The shape follows what Go's verifier demands: a CA with basicConstraints and keyCertSign,
/// a leaf with subjectAltNames (Go ignores the common name) and the serverAuth usage.
struct SandboxCertificateAuthority: Sendable {
    let certificatePEM: String
    let servingCertificateDER: [UInt8]
    let servingKeyPEM: String

    init(host: String) throws {
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName {
            OrganizationName("eni-config-agent")
            CommonName("eni-config-agent sandbox CA")
        }
        let now = Date()
        let validity = (notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(365 * 86_400))
        let ca = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(caKey.publicKey),
            notValidBefore: validity.notBefore, notValidAfter: validity.notAfter,
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
                SubjectKeyIdentifier(hash: .init(caKey.publicKey))
            },
            issuerPrivateKey: .init(caKey))

        let servingKey = P256.Signing.PrivateKey()
        let serving = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: .init(servingKey.publicKey),
            notValidBefore: validity.notBefore, notValidAfter: validity.notAfter,
            issuer: caName, subject: try DistinguishedName { CommonName("kube-apiserver") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(Self.subjectAlternativeNames(host: host))
                AuthorityKeyIdentifier(keyIdentifier: try ca.extensions.subjectKeyIdentifier?.keyIdentifier)
            },
            issuerPrivateKey: .init(caKey))

        var serializer = DER.Serializer()
        try serializer.serialize(serving)
        servingCertificateDER = serializer.serializedBytes
        certificatePEM = try ca.serializeAsPEM().pemString
        servingKeyPEM = servingKey.pemRepresentation
    }

    func serverTLSConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: servingCertificateDER, format: .der))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(servingKeyPEM.utf8), format: .pem)))
        // Closing a connection waits this long for the client's close_notify. Clients that
        // hang up without one (most do) would otherwise hold shutdown for the 5 s default.
        configuration.shutdownTimeout = .milliseconds(100)
        return configuration
    }

    /// localhost and the loopback addresses always; the bind host too when it is something else.
    private static func subjectAlternativeNames(host: String) -> [GeneralName] {
        var names: [GeneralName] = [.dnsName("localhost"), ipAddress([127, 0, 0, 1]), ipAddress([UInt8](repeating: 0, count: 15) + [1])]
        if let bytes = IPv4Bytes(host), bytes != [127, 0, 0, 1] {
            names.append(ipAddress(bytes))
        } else if host != "localhost", IPv4Bytes(host) == nil, !host.contains(":") {
            names.append(.dnsName(host))
        }
        return names
    }

    private static func ipAddress(_ bytes: [UInt8]) -> GeneralName {
        .ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes)))
    }

    private static func IPv4Bytes(_ host: String) -> [UInt8]? {
        let parts = host.split(separator: ".", omittingEmptySubsequences: false).compactMap { UInt8($0) }
        return parts.count == 4 ? parts : nil
    }
}
