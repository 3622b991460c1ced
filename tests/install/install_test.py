#!/usr/bin/env python3
"""The installed package, used the way a user would use it.

Installs a build tree into a fresh temporary prefix with `cmake --install`,
then:
  - checks the SONAME of libgmix.so and that the versioned link exists;
  - builds version.c with `pkg-config --cflags --libs gmix` (shared) and
    with `pkg-config --static --libs gmix` against libgmix.a, runs both and
    checks they print the project version and the expected log-likelihood;
  - moves the whole prefix to a folder at another depth and does it again,
    with nothing left at the old place (the pkg-config file must be
    relocatable);
  - configures and builds consumer/ with find_package(gmix) against the
    moved prefix, linking gmix::gmix and gmix::gmix_static, and runs both;
  - with --mpi (the tree built libgmix_mpi): builds mpi_version.c with
    `pkg-config --cflags --libs gmix-mpi`, before and after the move, and
    with find_package(gmix COMPONENTS mpi) linking gmix::gmix_mpi, and
    checks each links libgmix_mpi and libgmix (built only: running needs
    an MPI launcher).

Every tool is passed in by tests/install/CMakeLists.txt. On failure the
temporary folder is kept and its path printed.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
# log N(0; 0, I) in two dimensions, as version.c prints it.
EXPECTED_LOGLIK = "-1.837877"


class Failure(Exception):
    pass


def run(cmd, env=None, cwd=None):
    """Run cmd; return its stdout, or raise with everything it printed."""
    p = subprocess.run(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        raise Failure("command failed (exit %d): %s\n--- stdout\n%s--- stderr\n%s"
                      % (p.returncode, " ".join(cmd), p.stdout, p.stderr))
    return p.stdout


def expect_equal(what, expected, got):
    if expected != got:
        raise Failure("%s: expected %r, got %r" % (what, expected, got))


def elf_dynamic(objdump, path, tag):
    """Values of one dynamic-section tag (SONAME, NEEDED) of an ELF file."""
    out = run([objdump, "-p", path])
    return [line.split()[1] for line in out.splitlines()
            if line.split()[:1] == [tag]]


def check_program(args, exe, libdir, shared):
    """Run a built version.c and check what it prints and what it loads."""
    env = dict(os.environ, LD_LIBRARY_PATH=libdir)
    lines = run([exe], env=env).splitlines()
    expect_equal(exe + ": output", [args.version, EXPECTED_LOGLIK], lines)
    gmix_needed = [n for n in elf_dynamic(args.objdump, exe, "NEEDED")
                   if n.startswith("libgmix")]
    expect_equal(exe + ": libgmix in NEEDED",
                 [args.soname] if shared else [], gmix_needed)


def check_soname(args, prefix):
    libdir = os.path.join(prefix, args.libdir)
    lib = os.path.join(libdir, "libgmix.so")
    expect_equal("SONAME of " + lib, [args.soname],
                 elf_dynamic(args.objdump, lib, "SONAME"))
    if not os.path.exists(os.path.join(libdir, args.soname)):
        raise Failure("%s: no %s installed next to it" % (lib, args.soname))


def pkg_config_env(libdir):
    """The environment with libdir/pkgconfig first on PKG_CONFIG_PATH."""
    env = dict(os.environ)
    env["PKG_CONFIG_PATH"] = os.pathsep.join(
        [os.path.join(libdir, "pkgconfig")] +
        ([env["PKG_CONFIG_PATH"]] if env.get("PKG_CONFIG_PATH") else []))
    return env


def check_pkg_config(args, prefix, work):
    """Build and run version.c through gmix.pc found under prefix."""
    libdir = os.path.join(prefix, args.libdir)
    env = pkg_config_env(libdir)

    def pkg_config(*opts):
        return run([args.pkg_config] + list(opts) + ["gmix"], env=env).split()

    found = run([args.pkg_config, "--variable=prefix", "gmix"], env=env).strip()
    expect_equal("gmix.pc prefix (resolved)", os.path.realpath(prefix),
                 os.path.realpath(found))
    expect_equal("pkg-config --modversion gmix", [args.version],
                 pkg_config("--modversion"))

    source = os.path.join(HERE, "version.c")
    cflags = pkg_config("--cflags")
    shared = os.path.join(work, "version_shared")
    run([args.cc, "-std=c11", "-Wall", "-Wextra", "-Werror", source, "-o",
         shared] + cflags + pkg_config("--libs"))
    check_program(args, shared, libdir, shared=True)

    # libgmix.a by name (-l:), everything it needs from Libs.private and
    # Requires.private; the system libraries themselves stay shared.
    libs = ["-l:libgmix.a" if f == "-lgmix" else f
            for f in pkg_config("--static", "--libs")]
    static = os.path.join(work, "version_static")
    run([args.cc, "-std=c11", source, "-o", static] + cflags + libs)
    check_program(args, static, libdir, shared=False)


def check_mpi_links(args, exe):
    """exe needs libgmix_mpi and libgmix, by their SONAMEs' names."""
    needed = sorted(n.split(".so")[0] for n in
                    elf_dynamic(args.objdump, exe, "NEEDED")
                    if n.startswith("libgmix"))
    expect_equal(exe + ": libgmix libraries in NEEDED",
                 ["libgmix", "libgmix_mpi"], needed)


def check_pkg_config_mpi(args, prefix, work):
    """Build mpi_version.c through gmix-mpi.pc found under prefix."""
    libdir = os.path.join(prefix, args.libdir)
    env = pkg_config_env(libdir)
    expect_equal("pkg-config --modversion gmix-mpi", [args.version],
                 run([args.pkg_config, "--modversion", "gmix-mpi"],
                     env=env).split())
    flags = run([args.pkg_config, "--cflags", "--libs", "gmix-mpi"],
                env=env).split()
    exe = os.path.join(work, "mpi_version")
    run([args.cc, "-std=c11", "-Wall", "-Wextra", "-Werror",
         os.path.join(HERE, "mpi_version.c"), "-o", exe] + flags)
    check_mpi_links(args, exe)


def check_cmake_package(args, prefix, work):
    """Configure, build and run consumer/ against prefix."""
    build = os.path.join(work, "consumer-build")
    run([args.cmake, "-S", os.path.join(HERE, "consumer"), "-B", build,
         "-G", args.generator, "-DCMAKE_C_COMPILER=" + args.cc,
         "-DCMAKE_PREFIX_PATH=" + prefix, "-DGMIX_VERSION=" + args.version,
         "-DGMIX_WITH_MPI=" + ("ON" if args.mpi else "OFF"),
         "-DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF"])
    with open(os.path.join(build, "CMakeCache.txt")) as f:
        gmix_dir = [line.split("=", 1)[1].strip() for line in f
                    if line.startswith("gmix_DIR:")]
    expect_equal("gmix_DIR found by find_package",
                 [os.path.join(prefix, args.libdir, "cmake", "gmix")],
                 gmix_dir)
    run([args.cmake, "--build", build])
    libdir = os.path.join(prefix, args.libdir)
    check_program(args, os.path.join(build, "version_shared"), libdir, True)
    check_program(args, os.path.join(build, "version_static"), libdir, False)
    if args.mpi:
        check_mpi_links(args, os.path.join(build, "mpi_version"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", required=True, help="gmix build tree")
    ap.add_argument("--libdir", required=True, help="CMAKE_INSTALL_LIBDIR")
    ap.add_argument("--version", required=True, help="project version")
    ap.add_argument("--soname", required=True, help="expected SONAME")
    ap.add_argument("--cmake", required=True)
    ap.add_argument("--generator", required=True)
    ap.add_argument("--cc", required=True)
    ap.add_argument("--pkg-config", required=True)
    ap.add_argument("--objdump", required=True)
    ap.add_argument("--mpi", action="store_true",
                    help="the tree built libgmix_mpi")
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix="gmix-install-")
    first = os.path.join(tmp, "first", "prefix")
    moved = os.path.join(tmp, "elsewhere", "at", "another", "depth")
    work_first = os.path.join(tmp, "work-first")
    work_moved = os.path.join(tmp, "work-moved")
    for d in (os.path.dirname(first), os.path.dirname(moved), work_first,
              work_moved):
        os.makedirs(d)

    def install():
        run([args.cmake, "--install", args.build, "--prefix", first])

    def move():
        shutil.move(first, moved)
        if os.path.exists(first):
            raise Failure("%s still exists after the move" % first)

    steps = [
        ("install", install),
        ("SONAME", lambda: check_soname(args, first)),
        ("pkg-config", lambda: check_pkg_config(args, first, work_first)),
    ]
    if args.mpi:
        steps.append(("pkg-config gmix-mpi",
                      lambda: check_pkg_config_mpi(args, first, work_first)))
    steps += [
        ("move prefix", move),
        ("pkg-config after move",
         lambda: check_pkg_config(args, moved, work_moved)),
    ]
    if args.mpi:
        steps.append(("pkg-config gmix-mpi after move",
                      lambda: check_pkg_config_mpi(args, moved, work_moved)))
    steps.append(("find_package after move",
                  lambda: check_cmake_package(args, moved, work_moved)))
    for name, step in steps:
        t0 = time.monotonic()
        try:
            step()
        except Failure as e:
            print("FAIL %s: %s" % (name, e))
            print("files kept in %s" % tmp)
            return 1
        print("ok   %-24s %5.1f s" % (name, time.monotonic() - t0))
    shutil.rmtree(tmp)
    return 0

if __name__ == "__main__":
    sys.exit(main())
