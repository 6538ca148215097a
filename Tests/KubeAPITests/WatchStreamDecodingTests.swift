import Testing
@testable import KubeAPI

struct WatchEventFramerTests {
    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    func text(_ lines: [[UInt8]]) -> [String] { lines.map { String(decoding: $0, as: UTF8.self) } }

    @Test func aLineSplitAcrossChunksComesOutWhole() throws {
        var framer = WatchEventFramer()
        #expect(try framer.append(bytes("{\"type\":\"BOOK")) == [])
        #expect(try framer.append(bytes("MARK\",")) == [])
        #expect(text(try framer.append(bytes("\"x\":1}\n{\"a\"")) ) == ["{\"type\":\"BOOKMARK\",\"x\":1}"])
        #expect(text(try framer.append(bytes(":2}\n"))) == ["{\"a\":2}"])
        try framer.finish()
    }

    @Test func severalLinesInOneChunkAndBlankLinesDropped() throws {
        var framer = WatchEventFramer()
        #expect(text(try framer.append(bytes("{\"a\":1}\n\n{\"b\":2}\r\n{\"c\":3}\n{\"d\""))) == ["{\"a\":1}", "{\"b\":2}\r", "{\"c\":3}"])
        #expect(text(try framer.append(bytes(":4}\n"))) == ["{\"d\":4}"])
    }

    @Test func everySplitOfAStreamGivesTheSameLines() throws {
        let stream = bytes("{\"type\":\"ADDED\"}\n{\"type\":\"MODIFIED\",\"n\":\"αβγ\"}\n\n{\"type\":\"BOOKMARK\"}\n")
        let expected = ["{\"type\":\"ADDED\"}", "{\"type\":\"MODIFIED\",\"n\":\"αβγ\"}", "{\"type\":\"BOOKMARK\"}"]
        for first in 0...stream.count {
            for second in first...stream.count {
                var framer = WatchEventFramer()
                var lines: [[UInt8]] = []
                lines += try framer.append(stream[0..<first])
                lines += try framer.append(stream[first..<second])
                lines += try framer.append(stream[second...])
                try framer.finish()
                #expect(text(lines) == expected, "split at \(first), \(second)")
            }
        }
    }

    @Test func aLineLongerThanTheCapIsAnError() throws {
        var framer = WatchEventFramer(maximumLineLength: 10)
        #expect(text(try framer.append(bytes("0123456789\n"))) == ["0123456789"])
        #expect(try framer.append(bytes("01234")) == [])
        #expect(throws: KubeAPIError.self) { try framer.append(bytes("567890")) }

        var defaultFramer = WatchEventFramer()
        #expect(defaultFramer.maximumLineLength == 2 * 1024 * 1024)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 1024 * 1024)
        _ = try defaultFramer.append(chunk)
        _ = try defaultFramer.append(chunk)
        do {
            _ = try defaultFramer.append([UInt8(ascii: "x")])
            Issue.record("a 2 MiB + 1 line must be refused")
        } catch {
            guard case .malformedResponse(let message) = error else {
                Issue.record("expected malformedResponse, got \(error)")
                return
            }
            #expect(message.hasPrefix("a watch event is longer than 2097152 bytes without a newline"))
        }
    }

    @Test func aStreamCutInsideAnEventIsAConnectionFailure() throws {
        var framer = WatchEventFramer()
        _ = try framer.append(bytes("{\"type\":\"ADD"))
        #expect(throws: KubeAPIError.connection("the watch stream ended in the middle of an event (12 bytes without a newline)")) {
            try framer.finish()
        }
    }
}

struct WatchEventDecodingTests {
    func decode(_ line: String) throws -> WatchEvent {
        try WatchEvent(jsonLine: Array(line.utf8))
    }

    @Test func objectEventsCarryIdentityVersionDataAndBinaryKeyNames() throws {
        let object = """
            {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"eni-config","namespace":"kube-system",\
            "uid":"6f1c","resourceVersion":"4711","managedFields":[{"manager":"kubectl"}]},\
            "data":{"10-terway.conflist":"{\\"cniVersion\\":\\"0.4.0\\"}","eni_conf":"{\\"access_key\\":\\"AK\\"}"},\
            "binaryData":{"blob":"AAEC"}}
            """
        let expected = ConfigMapObject(
            namespace: "kube-system", name: "eni-config", uid: "6f1c", resourceVersion: "4711",
            data: ["10-terway.conflist": "{\"cniVersion\":\"0.4.0\"}", "eni_conf": "{\"access_key\":\"AK\"}"],
            binaryDataKeys: ["blob"]
        )
        #expect(try decode("{\"type\":\"ADDED\",\"object\":\(object)}") == .added(expected))
        #expect(try decode("{\"type\":\"MODIFIED\",\"object\":\(object)}") == .modified(expected))
        #expect(try decode("{\"object\":\(object),\"type\":\"DELETED\"}") == .deleted(expected))
        #expect(try decode("{\"type\":\"ADDED\",\"object\":\(object)}").resourceVersion == "4711")
    }

    @Test func aConfigMapWithoutDataHasEmptyMaps() throws {
        let event = try decode(#"{"type":"ADDED","object":{"metadata":{"name":"eni-config","resourceVersion":"1"}}}"#)
        #expect(event == .added(ConfigMapObject(namespace: "", name: "eni-config", uid: "", resourceVersion: "1", data: [:])))
    }

    @Test func bookmarksCarryOnlyAVersion() throws {
        let line = #"{"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"12345","annotations":{"k8s.io/initial-events-end":"true"}}}}"#
        #expect(try decode(line) == .bookmark(resourceVersion: "12345"))
    }

    @Test func errorsCarryTheStatus() throws {
        let line = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 100 (250)","reason":"Expired","code":410}}"#
        let event = try decode(line)
        #expect(event == .error(KubeStatus(code: 410, reason: "Expired", message: "too old resource version: 100 (250)")))
        guard case .error(let status) = event else { return }
        #expect(status.isResourceVersionExpired)
        #expect(!status.isResourceVersionTooLarge)

        let tooLarge = #"{"type":"ERROR","object":{"kind":"Status","code":504,"reason":"Timeout","message":"Too large resource version: 9, current: 5","details":{"causes":[{"reason":"ResourceVersionTooLarge","message":"Too large resource version"}],"retryAfterSeconds":1}}}"#
        guard case .error(let large) = try decode(tooLarge) else {
            Issue.record("expected an ERROR event")
            return
        }
        #expect(large.isResourceVersionTooLarge)
        #expect(large.causeReasons == ["ResourceVersionTooLarge"])
        #expect(large.retryAfterSeconds == 1)
    }

    @Test(arguments: [
        (#"{"type":"ADDED","object":{"metadata":{"name":"x"}}}"#, "ADDED event: ConfigMap x has no metadata.resourceVersion"),
        (#"{"type":"ADDED","object":{"metadata":{"resourceVersion":"1"}}}"#, "ADDED event: the ConfigMap has no metadata.name"),
        (#"{"type":"BOOKMARK","object":{"metadata":{}}}"#, "a BOOKMARK event has no metadata.resourceVersion"),
        (#"{"type":"SYNC","object":{"metadata":{"name":"x","resourceVersion":"1"}}}"#, "unknown watch event type \"SYNC\" (expected ADDED, MODIFIED, DELETED, BOOKMARK or ERROR)"),
    ])
    func invalidEventsAreMalformed(_ line: String, _ message: String) throws {
        #expect(throws: KubeAPIError.malformedResponse(message)) { try decode(line) }
    }

    @Test func invalidJSONDoesNotEchoTheData() throws {
        do {
            _ = try decode(#"{"type":"ADDED","object":{"data":{"eni_conf":"SECRET-KEY"}"#)
            Issue.record("truncated JSON must fail")
        } catch {
            guard case .malformedResponse(let message) = error as? KubeAPIError else {
                Issue.record("expected malformedResponse, got \(error)")
                return
            }
            #expect(message.hasPrefix("a watch event is not valid JSON"))
            #expect(!message.contains("SECRET-KEY"))
        }
    }

    @Test func describingAConfigMapShowsKeyNamesOnly() {
        let object = ConfigMapObject(
            namespace: "kube-system", name: "eni-config", uid: "u", resourceVersion: "7",
            data: ["eni_conf": "{\"access_secret\":\"SECRET\"}", "10-terway.conf": "{}"], binaryDataKeys: ["b"]
        )
        #expect(object.description == "ConfigMap kube-system/eni-config resourceVersion 7, data keys [10-terway.conf, eni_conf], binaryData keys [b]")
        var dumped = ""
        dump(object, to: &dumped)
        #expect(!dumped.contains("SECRET"))
        #expect(!String(reflecting: object).contains("SECRET"))
    }
}
