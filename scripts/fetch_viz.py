"""Fetch Graphviz compiled to WebAssembly (the npm package ``@viz-js/viz``) into the package.

    python scripts/fetch_viz.py               # the latest version
    python scripts/fetch_viz.py --version 3.31.0
    python scripts/fetch_viz.py --registry https://npm.example.org --into /tmp/viz   # a mirror, elsewhere

What it does, with nothing but the standard library:

1. asks the npm registry for the version's metadata: the tarball's address and its
   ``sha512`` integrity (what ``npm install`` checks);
2. downloads the tarball and checks it against that integrity;
3. takes out the ES module that holds Graphviz and its WebAssembly (``package/dist/viz.js``,
   the wasm written inside it, so one file is all a page needs) and checks that it is one;
4. takes the package's licence (a LICENSE file in it, or, as the package ships none, the MIT
   licence its package.json names, with the copyright notice from the module's own header);
5. writes ``micrograd_like/drawing/viz/``: ``viz-standalone.mjs``, ``LICENSE`` and ``viz.json``
   (the version, the tarball's address and integrity, the module's sha256).

Every check is made before anything is written: a download that fails one leaves the vendored
files as they were.  Errors (no network, a version that does not exist) are one line, exit status 1.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import re
import sys
import tarfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

PACKAGE = "@viz-js/viz"
REGISTRY = "https://registry.npmjs.org"
MODULE = "package/dist/viz.js"  # the ES module with the wasm inside it
TARGET = Path(__file__).resolve().parent.parent / "micrograd_like" / "drawing" / "viz"
NAMES = {"module": "viz-standalone.mjs", "licence": "LICENSE", "record": "viz.json"}
TIMEOUT = 60  # seconds for each request

MIT = """MIT License

{copyright}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


class FetchError(Exception):
    """Something that stops the fetch; its message is the one line the user sees."""


def get(url: str) -> bytes:
    """The body at ``url``, or a FetchError that says why not."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise FetchError(f"{url} answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise FetchError(f"could not reach {url}: {reason}") from None


def metadata(version: str, registry: str = REGISTRY) -> dict:
    """The registry's record of ``version`` ('latest' for the newest) of the package."""
    url = f"{registry.rstrip('/')}/{urllib.parse.quote(PACKAGE, safe='@')}/{urllib.parse.quote(version)}"
    try:
        record = json.loads(get(url))
    except json.JSONDecodeError:
        raise FetchError(f"{url} did not answer with JSON") from None
    dist = record.get("dist") if isinstance(record, dict) else None
    if not isinstance(dist, dict) or not str(dist.get("integrity", "")).startswith("sha512-"):
        raise FetchError(f"the registry's record of {PACKAGE} {version} has no tarball with a sha512 integrity")
    return record


def check_integrity(data: bytes, integrity: str) -> None:
    """Refuse ``data`` unless its sha512 is the registry's (``sha512-<base64>``, as npm writes it)."""
    expected = integrity.removeprefix("sha512-")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode("ascii")
    if actual != expected:
        raise FetchError(f"the tarball's sha512 is {actual}, not the registry's {expected}: nothing written")


def member(tar: tarfile.TarFile, name: str) -> bytes | None:
    """The bytes of the regular file ``name`` in the tarball, or None."""
    try:
        info = tar.getmember(name)
    except KeyError:
        return None
    if not info.isfile():
        return None
    return tar.extractfile(info).read()


def check_module(module: bytes, version: str) -> str:
    """The module's text, once it is shown to be viz.js ``version`` as one ES module with its wasm inside."""
    try:
        text = module.decode("utf-8")
    except UnicodeDecodeError:
        raise FetchError(f"{MODULE} is not UTF-8 text") from None
    if f"Viz.js {version}" not in text[:200]:
        raise FetchError(f"{MODULE} does not say it is Viz.js {version}")
    if not re.search(r"export\s*\{[^}]*\binstance\b", text[-2000:]):
        raise FetchError(f"{MODULE} does not export instance(): not the ES module expected")
    if "\x00asm" not in text:
        raise FetchError(f"{MODULE} has no WebAssembly inside it: it would need a second file")
    return text


def licence(tar: tarfile.TarFile, record: dict, text: str) -> str:
    """The package's licence: its own LICENSE file, or the MIT licence it names, with the module's copyright."""
    for name in ("package/LICENSE", "package/LICENSE.md", "package/LICENSE.txt", "package/LICENCE"):
        found = member(tar, name)
        if found:
            return found.decode("utf-8", "replace")
    if record.get("license") != "MIT":
        raise FetchError(f"the package has no licence file and names the licence {record.get('license')!r}: "
                         "add its licence by hand")
    header = re.match(r"/\*!(.*?)\*/", text, flags=re.S)
    copyright = re.search(r"^Copyright.*$", header.group(1), flags=re.M) if header else None
    if copyright is None:
        raise FetchError("the module's header names no copyright holder to write into the MIT licence")
    notice = header.group(1)[copyright.end():].strip()  # what else the header says the file holds
    text = MIT.format(copyright=copyright.group(0).strip())
    if notice:
        text += f"\n{notice}\n(Graphviz is under the Eclipse Public License 1.0, Expat under the MIT licence.)\n"
    return text


def write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole: beside it first, then renamed into place."""
    part = path.with_name(f".{path.name}.part")
    part.write_bytes(data)
    os.replace(part, path)


def fetch(version: str, target: Path = TARGET, registry: str = REGISTRY) -> dict:
    """Fetch ``version`` of the package into ``target`` and return what viz.json records."""
    record = metadata(version, registry)
    version, dist = record["version"], record["dist"]
    tarball = get(dist["tarball"])
    check_integrity(tarball, dist["integrity"])
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
            module = member(tar, MODULE)
            if module is None:
                raise FetchError(f"the tarball has no {MODULE}")
            text = check_module(module, version)
            licence_text = licence(tar, record, text)
    except tarfile.TarError as error:
        raise FetchError(f"the tarball cannot be read: {error}") from None
    graphviz = re.search(r'graphvizVersion\s*=\s*"([^"]+)"', text)
    info = {
        "package": PACKAGE,
        "version": version,
        "graphviz": graphviz.group(1) if graphviz else None,
        "license": record.get("license"),
        "tarball": dist["tarball"],
        "integrity": dist["integrity"],
        "file": NAMES["module"],
        "from": MODULE,
        "sha256": hashlib.sha256(module).hexdigest(),
        "bytes": len(module),
    }
    target.mkdir(parents=True, exist_ok=True)
    write(target / NAMES["module"], module)
    write(target / NAMES["licence"], licence_text.encode("utf-8"))
    write(target / NAMES["record"], (json.dumps(info, indent=2) + "\n").encode("utf-8"))
    return info


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=f"Fetch {PACKAGE} (Graphviz in WebAssembly) into the package.")
    parser.add_argument("--version", default="latest", help="the package's version (default: the latest)")
    parser.add_argument("--registry", default=REGISTRY, help=f"the npm registry to ask (default: {REGISTRY})")
    parser.add_argument("--into", type=Path, default=TARGET, help="the folder to write (default: the package's)")
    arguments = parser.parse_args(argv)
    try:
        info = fetch(arguments.version, arguments.into, arguments.registry)
    except FetchError as error:
        print(f"fetch_viz: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("fetch_viz: stopped; nothing written", file=sys.stderr)
        return 1
    print(f"{PACKAGE} {info['version']} (Graphviz {info['graphviz']}): {info['bytes']:,} bytes, "
          f"sha256 {info['sha256']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
