import CutawayReaders
let s = SnapshotScanner(source: DirectoryProcSource.live()).scan()
print(s.namespaces.count, s.processes.count, s.mountTables.count, s.visibility)
