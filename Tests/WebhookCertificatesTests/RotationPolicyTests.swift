import Foundation
import Testing
@testable import WebhookCertificates
import X509

/// When the rotation issues what, as a table of stored certificates and times.
@Suite("RotationPolicy: what to issue, whom to trust")
struct RotationPolicyTests {
    static let names = RotationPolicy.dnsNames(service: "eni-config-webhook", namespace: "kube-system")
    static let policy = RotationPolicy(dnsNames: names)
    static let day: TimeInterval = 86_400
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// A CA issued at `start` (10 years) and a serving pair it signed (1 year).
    static let issued: IssuedCertificates = try! policy.apply(.replaceAuthority(reason: ""), to: StoredCertificates(authority: nil, serving: nil), now: start)
    static let stranger = try! CertificateIssuer.authority(now: start, validity: 10 * RotationPolicy.year)

    static func stored(_ certificates: IssuedCertificates) -> StoredCertificates {
        StoredCertificates(authority: certificates.authority, serving: certificates.serving)
    }

    /// (what, what is stored, when, the decision's kind)
    static let cases: [(String, StoredCertificates, Date, String)] = [
        ("nothing stored", StoredCertificates(authority: nil, serving: nil), start, "replaceAuthority"),
        ("all current", stored(issued), start + 100 * day, "keep"),
        ("serving pair missing", StoredCertificates(authority: issued.authority, serving: nil), start, "issueServing"),
        ("serving signed by another CA", StoredCertificates(
            authority: issued.authority,
            serving: try! CertificateIssuer.serving(dnsNames: names, authority: stranger, now: start, validity: RotationPolicy.year)),
         start, "issueServing"),
        ("serving expires in 29 days", stored(issued), start + 336 * day, "issueServing"),
        ("serving names another Service", StoredCertificates(
            authority: issued.authority,
            serving: try! CertificateIssuer.serving(dnsNames: ["other.kube-system.svc"], authority: issued.authority, now: start, validity: RotationPolicy.year)),
         start, "issueServing"),
        ("CA expires in 364 days", stored(issued), start + (10 * 365 - 364) * day, "replaceAuthority"),
    ]

    @Test("decisions", arguments: cases)
    func decision(_ what: String, _ stored: StoredCertificates, _ now: Date, _ expected: String) {
        let decision = Self.policy.decide(stored, now: now)
        let kind = switch decision {
        case .keep: "keep"
        case .issueServing: "issueServing"
        case .replaceAuthority: "replaceAuthority"
        }
        #expect(kind == expected, "\(decision)")
    }

    @Test("a new serving pair keeps the CA, names the Service, and is signed by the CA")
    func issueServing() throws {
        let renewed = try Self.policy.apply(.issueServing(reason: ""), to: Self.stored(Self.issued), now: Self.start + 340 * Self.day)
        #expect(renewed.authority.certificate == Self.issued.authority.certificate)
        #expect(renewed.serving.certificate != Self.issued.serving.certificate)
        #expect(Self.policy.decide(Self.stored(renewed), now: Self.start + 340 * Self.day) == .keep)
        let names = try renewed.serving.certificate.extensions.subjectAlternativeNames.map(Array.init) ?? []
        #expect(names == Self.names.map { .dnsName($0) })
        #expect(renewed.serving.certificate.notValidAfter == Self.start + 340 * Self.day + RotationPolicy.year)
    }

    @Test("the Secret's keys round-trip; a key that is not the certificate's counts as no pair")
    func secretData() throws {
        let data = try Self.issued.secretData().mapValues { Array($0.utf8) }
        #expect(data.keys.sorted() == ["ca.crt", "ca.key", "tls.crt", "tls.key"])
        let read = StoredCertificates(secretData: data)
        #expect(read.authority?.certificate == Self.issued.authority.certificate)
        #expect(read.serving?.certificate == Self.issued.serving.certificate)
        var swapped = data
        swapped["tls.key"] = data["ca.key"]
        #expect(StoredCertificates(secretData: swapped).serving == nil)
        #expect(StoredCertificates(secretData: ["ca.crt": Array("junk".utf8)]).authority == nil)
    }

    /// (what, trusted now, when, the bundle's CAs)
    @Test("caBundle: the current CA, and within the overlap after a new CA the ones trusted before")
    func caBundle() throws {
        let current = Self.issued.authority.certificate
        let previous = Self.stranger.certificate
        let justIssued = Self.start + 60
        #expect(Self.policy.caBundle(authority: current, trusted: [], now: justIssued) == [current])
        #expect(Self.policy.caBundle(authority: current, trusted: [previous], now: justIssued) == [current, previous])
        #expect(Self.policy.caBundle(authority: current, trusted: [current, previous], now: justIssued) == [current, previous])
        #expect(Self.policy.caBundle(authority: current, trusted: [previous], now: Self.start + 2 * 3600) == [current], "after the overlap")
        let expired = try CertificateIssuer.authority(now: Self.start - 20 * Self.day, validity: 10 * Self.day).certificate
        #expect(Self.policy.caBundle(authority: current, trusted: [expired], now: justIssued) == [current])
        let pem = try RotationPolicy.bundlePEM([current, previous])
        #expect(RotationPolicy.certificates(inBundle: pem) == [current, previous])
        #expect(RotationPolicy.certificates(inBundle: "not PEM").isEmpty)
    }
}
