#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import NIOSSL

/// PEM material named in a kubeconfig either inline (`<field>-data`, base64) or as a
/// file (`<field>`, relative to the kubeconfig's directory). Inline data wins, as in client-go.
struct CredentialMaterial {
    let bytes: [UInt8]
    /// Where the bytes came from, for messages: "the decoded data" or the file path.
    let source: String
    /// The kubeconfig field that named them (`client-key-data` or `client-key`), for errors.
    let field: String
    let map: YAMLMap

    /// Read from a file (which its owner may rewrite) rather than decoded from the kubeconfig.
    var isFile: Bool { !field.hasSuffix("-data") }

    /// Loads `<field>-data` or `<field>` from `map`; nil when neither is set.
    static func load(_ field: String, from map: YAMLMap) throws(ClusterConnectionError) -> CredentialMaterial? {
        let dataField = "\(field)-data"
        if let encoded = try map.string(dataField) {
            let compact = encoded.filter { !$0.isWhitespace }
            guard let data = Data(base64Encoded: compact) else {
                throw map.error(at: dataField, "not valid base64: put the base64 of the PEM file here, or use \(field) with a path")
            }
            return CredentialMaterial(bytes: Array(data), source: "the decoded data", field: dataField, map: map)
        }
        guard let path = try map.string(field), !path.isEmpty else { return nil }
        let resolved = resolve(path, relativeTo: map.file)
        do {
            return CredentialMaterial(bytes: try CredentialFile.read(resolved), source: resolved, field: field, map: map)
        } catch {
            throw map.error(at: field, "cannot read \(resolved): \(error.reason)")
        }
    }

    func certificates() throws(ClusterConnectionError) -> [NIOSSLCertificate] {
        let certificates = try? NIOSSLCertificate.fromPEMBytes(bytes)
        guard let certificates, !certificates.isEmpty else {
            throw map.error(at: field, "\(source) holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")
        }
        return certificates
    }

    func privateKey() throws(ClusterConnectionError) -> NIOSSLPrivateKey {
        do {
            return try NIOSSLPrivateKey(bytes: bytes, format: .pem)
        } catch {
            throw map.error(at: field, "\(source) holds no PEM private key (expected -----BEGIN ... PRIVATE KEY-----)")
        }
    }

    /// `path` as client-go resolves kubeconfig paths: absolute as is, else against the kubeconfig's directory.
    static func resolve(_ path: String, relativeTo kubeconfig: String) -> String {
        if path.hasPrefix("/") { return path }
        guard let slash = kubeconfig.lastIndex(of: "/") else { return path }
        return "\(kubeconfig[...slash])\(path)"
    }
}
