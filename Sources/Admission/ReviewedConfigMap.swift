import ENIConfig

/// The ConfigMap inside an AdmissionReview, as far as the webhook reads it.
///
/// The values of keys that are not ours (`eni_conf` holds cloud credentials) never outlive
/// decoding: `data` goes straight into `ConfigMapData`, which keeps only what validation reads,
/// and of the annotations only the deletion one is read (the others include kubectl's
/// last-applied copy of the whole object). So no response, log line or dump can quote them.
public struct ReviewedConfigMap: Sendable, Equatable {
    public var data: ConfigMapData
    /// `metadata.annotations["eni-config-agent/allow-delete"] == "true"`.
    public var deletionIntended: Bool

    public init(data: ConfigMapData, deletionIntended: Bool = false) {
        self.data = data
        self.deletionIntended = deletionIntended
    }
}

extension ReviewedConfigMap: Decodable {
    private enum Keys: String, CodingKey {
        case metadata, data, binaryData
    }

    private enum MetadataKeys: String, CodingKey {
        case annotations
    }

    /// A `binaryData` value is base64 we never need: its key is read, the value skipped.
    private struct Skipped: Decodable {
        init(from decoder: any Decoder) throws {}
    }

    /// The one annotation read, by name; no other annotation is decoded.
    private struct DeletionAnnotationKey: CodingKey {
        var stringValue: String { AdmissionPolicy.deletionAnnotation }
        var intValue: Int? { nil }
        init() {}
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        var deletionIntended = false
        if container.contains(.metadata), try !container.decodeNil(forKey: .metadata) {
            let metadata = try container.nestedContainer(keyedBy: MetadataKeys.self, forKey: .metadata)
            if metadata.contains(.annotations), try !metadata.decodeNil(forKey: .annotations) {
                let annotations = try metadata.nestedContainer(keyedBy: DeletionAnnotationKey.self, forKey: .annotations)
                deletionIntended = try annotations.decodeIfPresent(String.self, forKey: DeletionAnnotationKey()) == "true"
            }
        }
        let data = try container.decodeIfPresent([String: String].self, forKey: .data) ?? [:]
        let binaryData = try container.decodeIfPresent([String: Skipped].self, forKey: .binaryData) ?? [:]
        self.init(
            data: ConfigMapData(data: data, binaryDataKeys: binaryData.keys, resourceVersion: nil),
            deletionIntended: deletionIntended)
    }
}
