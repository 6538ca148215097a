import FoundationEssentials
import SwiftASN1
import X509

/// The certificates kept in the webhook's Secret: the CA (`ca.crt`, `ca.key`) and the serving
/// pair it signed (`tls.crt`, `tls.key`, the names the webhook's pods mount). A pair whose key
/// does not match its certificate, or that does not parse, counts as absent.
struct StoredCertificates: Sendable {
    static let authorityCertificateKey = "ca.crt"
    static let authorityKeyKey = "ca.key"
    static let servingCertificateKey = "tls.crt"
    static let servingKeyKey = "tls.key"

    var authority: IssuedPair?
    var serving: IssuedPair?

    init(authority: IssuedPair?, serving: IssuedPair?) {
        self.authority = authority
        self.serving = serving
    }

    /// From the Secret's decoded `data`.
    init(secretData data: [String: [UInt8]]) {
        func pair(_ certificateKey: String, _ keyKey: String) -> IssuedPair? {
            guard let certificateBytes = data[certificateKey], let keyBytes = data[keyKey],
                  let certificate = try? Certificate(pemEncoded: String(decoding: certificateBytes, as: UTF8.self)),
                  let key = try? Certificate.PrivateKey(pemEncoded: String(decoding: keyBytes, as: UTF8.self)),
                  key.publicKey == certificate.publicKey
            else { return nil }
            return IssuedPair(certificate: certificate, privateKey: key)
        }
        self.init(
            authority: pair(Self.authorityCertificateKey, Self.authorityKeyKey),
            serving: pair(Self.servingCertificateKey, Self.servingKeyKey))
    }

}

/// A CA and the serving pair it signed, as written to the Secret.
struct IssuedCertificates: Sendable {
    let authority: IssuedPair
    let serving: IssuedPair

    /// The Secret's `data`: PEM text by key.
    func secretData() throws -> [String: String] {
        [
            StoredCertificates.authorityCertificateKey: try authority.certificatePEM,
            StoredCertificates.authorityKeyKey: try authority.privateKeyPEM,
            StoredCertificates.servingCertificateKey: try serving.certificatePEM,
            StoredCertificates.servingKeyKey: try serving.privateKeyPEM,
        ]
    }
}

/// When to issue what, and which CAs the API server trusts: plain functions of the stored
/// certificates and the time, tested as a table.
///
/// - The CA lives 10 years and is replaced when less than a year remains (or when the Secret
///   holds none). The serving certificate lives a year and is reissued, by the same CA, when
///   less than 30 days remain or when it does not name the Service, so the API server's
///   `caBundle` does not change and nothing has to wait for anything.
/// - After a new CA, the `caBundle` keeps trusting the CA it trusted before for `overlap`: the
///   pods still serve the old pair until the kubelet updates their Secret volume.
struct RotationPolicy: Sendable {
    enum Decision: Equatable, Sendable {
        case keep
        case issueServing(reason: String)
        case replaceAuthority(reason: String)
    }

    static let year: TimeInterval = 365 * 86_400

    /// The names the serving certificate must carry: `<service>.<namespace>.svc` is the one the
    /// API server checks.
    var dnsNames: [String]
    var authorityValidity: TimeInterval = 10 * year
    var authorityRenewBefore: TimeInterval = year
    var servingValidity: TimeInterval = year
    var servingRenewBefore: TimeInterval = 30 * 86_400
    var overlap: TimeInterval = 3600

    static func dnsNames(service: String, namespace: String) -> [String] {
        ["\(service).\(namespace).svc", "\(service).\(namespace).svc.cluster.local"]
    }

    func decide(_ stored: StoredCertificates, now: Date) -> Decision {
        guard let authority = stored.authority else {
            return .replaceAuthority(reason: "the Secret holds no CA with its key")
        }
        if authority.certificate.notValidAfter.timeIntervalSince(now) < authorityRenewBefore {
            return .replaceAuthority(reason: "the CA expires \(authority.certificate.notValidAfter.formatted(.iso8601))")
        }
        guard let serving = stored.serving else {
            return .issueServing(reason: "the Secret holds no serving certificate with its key")
        }
        guard serving.certificate.issuer == authority.certificate.subject,
              authority.certificate.publicKey.isValidSignature(serving.certificate.signature, for: serving.certificate)
        else {
            return .issueServing(reason: "the serving certificate is not signed by the CA")
        }
        if serving.certificate.notValidAfter.timeIntervalSince(now) < servingRenewBefore {
            return .issueServing(reason: "the serving certificate expires \(serving.certificate.notValidAfter.formatted(.iso8601))")
        }
        let names = (try? serving.certificate.extensions.subjectAlternativeNames).flatMap { $0 }?.compactMap { name -> String? in
            if case .dnsName(let dnsName) = name { return dnsName }
            return nil
        } ?? []
        guard Set(names) == Set(dnsNames) else {
            return .issueServing(reason: "the serving certificate names \(names.sorted()), not \(dnsNames)")
        }
        return .keep
    }

    /// What the Secret holds after `decision`: the same pairs, a new serving pair, or a new CA and pair.
    func apply(_ decision: Decision, to stored: StoredCertificates, now: Date) throws -> IssuedCertificates {
        if decision == .keep, let authority = stored.authority, let serving = stored.serving {
            return IssuedCertificates(authority: authority, serving: serving)
        }
        let authority: IssuedPair
        if case .issueServing = decision, let existing = stored.authority {
            authority = existing
        } else {
            authority = try CertificateIssuer.authority(now: now, validity: authorityValidity)
        }
        return IssuedCertificates(
            authority: authority,
            serving: try CertificateIssuer.serving(dnsNames: dnsNames, authority: authority, now: now, validity: servingValidity))
    }

    /// The CAs the API server should trust: the current one first, then, within `overlap` of
    /// its issue, the others it trusts now that have not expired.
    func caBundle(authority: Certificate, trusted: [Certificate], now: Date) -> [Certificate] {
        let issued = authority.notValidBefore + CertificateIssuer.backdate
        guard now < issued + overlap else { return [authority] }
        return [authority] + trusted.filter { $0 != authority && $0.notValidAfter > now }
    }

    /// The certificates of a PEM bundle; whatever does not parse is left out.
    static func certificates(inBundle pem: String) -> [Certificate] {
        ((try? PEMDocument.parseMultiple(pemString: pem)) ?? []).compactMap { try? Certificate(pemDocument: $0) }
    }

    static func bundlePEM(_ certificates: [Certificate]) throws -> String {
        try certificates.map { try $0.serializeAsPEM().pemString + "\n" }.joined()
    }
}
