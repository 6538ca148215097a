import Foundation
import NIOSSL
import Testing
import WebhookServer

/// `WebhookServer` in process: AdmissionReviews over TLS, the limits on what it reads, and the
/// certificate files re-read as they change.
@Suite("the webhook's HTTPS server", .timeLimit(.minutes(1)))
struct WebhookServerTests {
    @Test("answers AdmissionReviews over TLS 1.2 or later, the uid echoed")
    func reviews() async throws {
        let files = ServingFiles()
        try files.issue()
        let webhook = try await RunningWebhook.start(files)
        defer { Task { await webhook.stop() } }
        let port = try #require(try await webhook.port())

        let allowed = try await post(port: port, caPEM: files.caPEM, body: Review.create(uid: "one"))
        #expect(allowed.status == 200)
        let allowedResponse = allowed.json["response"] as? [String: Any]
        #expect(allowedResponse?["uid"] as? String == "one")
        #expect(allowedResponse?["allowed"] as? Bool == true)

        let denied = try await post(port: port, caPEM: files.caPEM, body: Review.create(uid: "two", valid: false))
        #expect(denied.status == 200)
        let deniedResponse = denied.json["response"] as? [String: Any]
        #expect(deniedResponse?["uid"] as? String == "two")
        #expect(deniedResponse?["allowed"] as? Bool == false)
        #expect(((deniedResponse?["status"] as? [String: Any])?["code"]) as? Int == 422)
        #expect(!denied.body.contains(Review.secret))

        await #expect(throws: (any Error).self, "TLS 1.1 is refused") {
            _ = try await post(port: port, caPEM: files.caPEM, body: Review.create(), maximumTLSVersion: .tlsv11)
        }
    }

    @Test("a wrong media type is 415, a malformed body 400, an oversized one 413; none quotes the body, and serving goes on")
    func badRequests() async throws {
        let files = ServingFiles()
        try files.issue()
        let webhook = try await RunningWebhook.start(files, maximumBodyBytes: 64 * 1024)
        defer { Task { await webhook.stop() } }
        let port = try #require(try await webhook.port())

        let text = try await post(port: port, caPEM: files.caPEM, body: Review.create(), contentType: "text/plain")
        #expect(text.status == 415)
        let malformed = try await post(port: port, caPEM: files.caPEM, body: Data(#"{"apiVersion": "\#(Review.secret)"#.utf8))
        #expect(malformed.status == 400)
        #expect(malformed.body == "the body is not an AdmissionReview: not valid JSON\n")
        let oversized = try await post(port: port, caPEM: files.caPEM, body: Review.create(padding: 100 * 1024))
        #expect(oversized.status == 413)
        #expect(oversized.body == "the AdmissionReview is larger than 65536 bytes\n")
        #expect(!oversized.body.contains(Review.secret))
        let wrongPath = try await post(port: port, caPEM: files.caPEM, path: "/other", body: Review.create())
        #expect(wrongPath.status == 404)

        let fine = try await post(port: port, caPEM: files.caPEM, body: Review.create(padding: 1024))
        #expect((fine.json["response"] as? [String: Any])?["allowed"] as? Bool == true)
    }

    @Test("new certificate files are served without a restart; a mismatched pair is not")
    func reload() async throws {
        let files = ServingFiles()
        try files.issue()
        let firstCA = files.caPEM
        let webhook = try await RunningWebhook.start(files)
        defer { Task { await webhook.stop() } }
        let port = try #require(try await webhook.port())
        #expect(try await post(port: port, caPEM: firstCA, body: Review.create()).status == 200)

        try files.issue()
        let secondCA = files.caPEM
        var served = false
        for _ in 0..<100 where !served {
            try await Task.sleep(for: .milliseconds(50))
            served = (try? await post(port: port, caPEM: secondCA, body: Review.create()))?.status == 200
        }
        #expect(served, "the new pair was not served within 5 s")
        await #expect(throws: (any Error).self, "the old CA no longer verifies") {
            _ = try await post(port: port, caPEM: firstCA, body: Review.create())
        }

        // A certificate without its key (a pair written one file at a time): the last good pair stays.
        let other = ServingFiles()
        try other.issue()
        try String(contentsOfFile: other.certificateFile, encoding: .utf8)
            .write(toFile: files.certificateFile, atomically: true, encoding: .utf8)
        try await Task.sleep(for: .milliseconds(400))
        #expect(try await post(port: port, caPEM: secondCA, body: Review.create()).status == 200)
    }

    @Test("waits for the certificate files, then serves")
    func waitsForFiles() async throws {
        let files = ServingFiles()
        let webhook = try await RunningWebhook.start(files)
        defer { Task { await webhook.stop() } }
        #expect(try await webhook.port(within: .milliseconds(500)) == nil)
        try files.issue()
        let port = try #require(try await webhook.port())
        #expect(try await post(port: port, caPEM: files.caPEM, body: Review.create()).status == 200)
    }
}
