import Crypto
import Foundation
import X509

/// A throwaway CA with a server certificate for `localhost` and a client certificate,
/// all PEM, for kubeconfig parsing and the TLS tests.
struct TestPKI: Sendable {
    let caCertificatePEM: String
    let serverCertificatePEM: String
    let serverKeyPEM: String
    let clientCertificatePEM: String
    let clientKeyPEM: String

    static let shared: TestPKI = {
        do {
            return try TestPKI()
        } catch {
            preconditionFailure("cannot generate test certificates: \(error)")
        }
    }()

    private init() throws {
        let now = Date()
        let caKey = P256.Signing.PrivateKey()
        let caName = try DistinguishedName { CommonName("kubeapi tests CA") }
        let ca = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(caKey.publicKey),
            notValidBefore: now - 3600, notValidAfter: now + 86400,
            issuer: caName, subject: caName, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: .init(caKey)
        )

        func leaf(_ name: String, usage: ExtendedKeyUsage.Usage, key: P256.Signing.PrivateKey) throws -> Certificate {
            try Certificate(
                version: .v3, serialNumber: .init(), publicKey: .init(key.publicKey),
                notValidBefore: now - 3600, notValidAfter: now + 86400,
                issuer: caName, subject: try DistinguishedName { CommonName(name) },
                signatureAlgorithm: .ecdsaWithSHA256,
                extensions: try Certificate.Extensions {
                    Critical(BasicConstraints.notCertificateAuthority)
                    Critical(KeyUsage(digitalSignature: true))
                    try ExtendedKeyUsage([usage])
                    SubjectAlternativeNames([.dnsName("localhost")])
                },
                issuerPrivateKey: .init(caKey)
            )
        }
        let serverKey = P256.Signing.PrivateKey()
        let clientKey = P256.Signing.PrivateKey()
        caCertificatePEM = try ca.serializeAsPEM().pemString
        serverCertificatePEM = try leaf("localhost", usage: .serverAuth, key: serverKey).serializeAsPEM().pemString
        serverKeyPEM = serverKey.pemRepresentation
        clientCertificatePEM = try leaf("system:node:test", usage: .clientAuth, key: clientKey).serializeAsPEM().pemString
        clientKeyPEM = clientKey.pemRepresentation
    }
}

extension String {
    var base64: String { Data(utf8).base64EncodedString() }
}
