import FoundationEssentials
import NIOSSL
import SystemFiles
import X509

/// The serving certificate chain and its private key, read from two PEM files and checked to
/// belong together, so a half-rotated pair (the kubelet swaps a Secret volume's files at once,
/// but a hand-made pair may be written one file at a time) is never served.
struct ServingCertificate: Sendable {
    let chain: [NIOSSLCertificate]
    let privateKey: NIOSSLPrivateKey
    /// The leaf's expiry, for the log line that reports a (re)load.
    let notValidAfter: Date
    /// The files' bytes as read: a reload compares them to tell a change.
    let fileContents: [[UInt8]]

    /// PEM files are a few KB; anything near this is not one.
    static let maximumFileSize = 1024 * 1024

    static func load(certificateFile: String, privateKeyFile: String) throws(ServingCertificateError) -> ServingCertificate {
        let certificateBytes = try read(certificateFile, what: "certificate")
        let keyBytes = try read(privateKeyFile, what: "private key")
        return try parse(certificatePEM: certificateBytes, privateKeyPEM: keyBytes, certificateFile: certificateFile, privateKeyFile: privateKeyFile)
    }

    static func parse(
        certificatePEM: [UInt8], privateKeyPEM: [UInt8], certificateFile: String, privateKeyFile: String
    ) throws(ServingCertificateError) -> ServingCertificate {
        let leaf: Certificate
        let key: Certificate.PrivateKey
        let chain: [NIOSSLCertificate]
        let privateKey: NIOSSLPrivateKey
        do {
            leaf = try Certificate(pemEncoded: String(decoding: certificatePEM, as: UTF8.self))
            chain = try NIOSSLCertificate.fromPEMBytes(certificatePEM)
        } catch {
            throw .unreadable(certificateFile, "not a PEM certificate (chain)")
        }
        do {
            key = try Certificate.PrivateKey(pemEncoded: String(decoding: privateKeyPEM, as: UTF8.self))
            privateKey = try NIOSSLPrivateKey(bytes: privateKeyPEM, format: .pem)
        } catch {
            throw .unreadable(privateKeyFile, "not a PEM private key (PKCS#8, EC or RSA)")
        }
        guard key.publicKey == leaf.publicKey else {
            throw .mismatch(certificateFile: certificateFile, privateKeyFile: privateKeyFile)
        }
        return ServingCertificate(
            chain: chain, privateKey: privateKey, notValidAfter: leaf.notValidAfter, fileContents: [certificatePEM, privateKeyPEM])
    }

    private static func read(_ path: String, what: String) throws(ServingCertificateError) -> [UInt8] {
        do {
            return try WholeFile.read(path, regularFileOnly: true, sizeLimit: maximumFileSize)
        } catch {
            throw .unreadable(path, "cannot read the \(what): \(error)")
        }
    }

    /// The override each TLS handshake applies: this chain and key.
    var contextOverride: NIOSSLContextConfigurationOverride {
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = chain.map { .certificate($0) }
        override.privateKey = .privateKey(privateKey)
        return override
    }
}

/// Why the serving certificate files cannot be served. The messages name the files, never
/// their contents.
public enum ServingCertificateError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(String, String)
    case mismatch(certificateFile: String, privateKeyFile: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .mismatch(let certificateFile, let privateKeyFile):
            "\(privateKeyFile) is not the private key of the certificate in \(certificateFile); write both files of one pair"
        }
    }
}
