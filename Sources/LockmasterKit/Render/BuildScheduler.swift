import Foundation
import Manifests
import Support

/// Runs a render's builds: what the cache holds is taken from it, the rest built — plain jobs sharing
/// a tree in one kustomize run, the others alone — as many at once as the machine has cores.
struct BuildScheduler: Sendable {
    let builder: KustomizeBuilder
    let trees: SourceTrees
    let cache: BuildCache

    /// Builds jobs: each reusable one (with a key) from the cache when it is there; the rest plain jobs
    /// sharing a tree together (falling back to one by one if that fails, so errors land on the right
    /// Kustomization), every group and special job concurrently, as many at once as there are cores.
    func build(_ jobs: [(job: BuildJob, key: String?)]) async -> [KustomizationID: Result<
        [KustomizeBuilder.Built], any Error
    >] {
        var cached: [KustomizationID: Result<[KustomizeBuilder.Built], any Error>] = [:]
        var keys: [KustomizationID: String] = [:]
        var pending: [BuildJob] = []
        for (job, key) in jobs {
            if let key {
                keys[job.kustomization] = key
                if let built = await cache.get(key) {
                    cached[job.kustomization] = .success(built)
                    continue
                }
            }
            pending.append(job)
        }
        let built = await buildAll(pending)
        for (kustomization, result) in built {
            if case .success(let objects) = result, let key = keys[kustomization] { await cache.put(key, objects) }
        }
        return cached.merging(built) { first, _ in first }
    }

    private func buildAll(_ jobs: [BuildJob]) async -> [KustomizationID: Result<[KustomizeBuilder.Built], any Error>] {
        var groups: [[BuildJob]] = []
        var plainByTree: [URL: [BuildJob]] = [:]
        for job in jobs {
            if KustomizeBuilder.changesObjects(job.spec) || job.spec == nil || !job.inputs.remoteFiles.isEmpty {
                groups.append([job])
            } else {
                plainByTree[job.tree, default: []].append(job)
            }
        }
        for (_, plain) in plainByTree {
            // A path inside another would put the same files in one build twice. Jobs are layered by how
            // many other paths contain theirs: within a layer none contains another, so each layer is one
            // batch. Repeated paths go alone.
            let paths = plain.map(\.path)
            func contains(_ outer: String, _ inner: String) -> Bool {
                outer != inner && (outer.isEmpty || inner.hasPrefix(outer + "/"))
            }
            var layers: [Int: [BuildJob]] = [:]
            for job in plain {
                if paths.filter({ $0 == job.path }).count > 1 {
                    groups.append([job])
                    continue
                }
                layers[paths.filter { contains($0, job.path) }.count, default: []].append(job)
            }
            for (_, layer) in layers.sorted(by: { $0.key < $1.key }) {
                if layer.count > 1 { groups.append(layer) } else { groups += layer.map { [$0] } }
            }
        }
        let (builder, trees) = (builder, trees)
        return await withTaskGroup(of: [(KustomizationID, Result<[KustomizeBuilder.Built], any Error>)].self) { group in
            var all: [KustomizationID: Result<[KustomizeBuilder.Built], any Error>] = [:]
            // One kustomize per core at a time: more only wait for each other and hold memory.
            var running = 0
            for jobs in groups {
                if running == Self.parallelBuilds, let results = await group.next() {
                    for (kustomization, result) in results { all[kustomization] = result }
                    running -= 1
                }
                running += 1
                group.addTask {
                    if jobs.count > 1,
                        let built = try? await builder.buildTogether(
                            tree: jobs[0].tree, paths: jobs.map(\.path), inputs: jobs.map(\.inputs),
                            scratch: try await trees.scratch())
                    {
                        return jobs.map { ($0.kustomization, .success(built[$0.path] ?? [])) }
                    }
                    var results: [(KustomizationID, Result<[KustomizeBuilder.Built], any Error>)] = []
                    for job in jobs {
                        do {
                            results.append(
                                (
                                    job.kustomization,
                                    .success(
                                        try await builder.build(
                                            tree: job.tree, path: job.path, spec: job.spec, inputs: job.inputs,
                                            scratch: try await trees.scratch(), overlay: job.overlay,
                                            fetched: job.fetched))
                                ))
                        } catch {
                            results.append((job.kustomization, .failure(error)))
                        }
                    }
                    return results
                }
            }
            for await results in group { for (kustomization, result) in results { all[kustomization] = result } }
            return all
        }
    }

    /// Builds at once: the machine's cores.
    static let parallelBuilds = max(1, ProcessInfo.processInfo.activeProcessorCount)
}
