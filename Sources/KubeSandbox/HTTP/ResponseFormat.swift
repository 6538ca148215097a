import Foundation

/// How list, get and watch responses render objects: as the objects themselves, or as the
/// server-side printed Table `kubectl get` asks for in its Accept header.
enum ResponseFormat: Sendable {
    case objects
    case table(TableLayout.RowObject)

    init(accept: String?, query: QueryParameters) {
        let asksForTable = (accept ?? "").split(separator: ",").contains { mediaType in
            let parameters = Set(mediaType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
            return parameters.contains("as=Table") && parameters.contains("g=meta.k8s.io")
        }
        guard asksForTable else {
            self = .objects
            return
        }
        self = .table(query["includeObject"].flatMap(TableLayout.RowObject.init(rawValue:)) ?? .metadata)
    }
}
