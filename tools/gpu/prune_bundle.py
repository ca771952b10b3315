"""GPU kit: delete files from a published .NET folder and drop them from every *.deps.json beside it.

The .NET host refuses to start an app whose deps.json names an asset file that is missing, so files removed from a
self-contained publish (libtorch natives, code-coverage tooling, unused analyzers) must leave the manifests too.
Usage: python3 prune_bundle.py BUNDLE_DIR GLOB...   (globs relative to BUNDLE_DIR; prints the bytes removed)
"""
import glob
import json
import os
import shutil
import sys

root, patterns = sys.argv[1], sys.argv[2:]
removed_names, removed_bytes = set(), 0
for pattern in patterns:
    for path in glob.glob(os.path.join(root, pattern)):
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        if os.path.isdir(path):
            for dirpath, _, files in os.walk(path):
                for f in files:
                    full = os.path.join(dirpath, f)
                    removed_bytes += os.path.getsize(full)
                    removed_names.add(os.path.relpath(full, root).replace(os.sep, "/"))
            shutil.rmtree(path)
        else:
            removed_bytes += os.path.getsize(path)
            removed_names.add(rel)
            os.remove(path)
base_names = {n.rsplit("/", 1)[-1] for n in removed_names}
for deps in glob.glob(os.path.join(root, "*.deps.json")):
    with open(deps, encoding="utf-8") as f:
        doc = json.load(f)
    for target in doc.get("targets", {}).values():
        for lib in target.values():
            for kind in ("runtime", "native", "resources", "runtimeTargets"):
                assets = lib.get(kind)
                if not assets:
                    continue
                for asset in list(assets):
                    if asset in removed_names or asset.rsplit("/", 1)[-1] in base_names:
                        del assets[asset]
    with open(deps, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=2)
print(removed_bytes)
