# Links with LLVM's lld when it is installed (Debian's `lld`, also pulled in by clang-14): the
# sanitizer build's debug-info-heavy test binaries link about three times faster than with
# GNU ld, and there are over a hundred of them. SIPHON_LLD=OFF keeps the system linker.
option(SIPHON_LLD "Link with lld when it is installed" ON)
if(SIPHON_LLD)
  find_program(SIPHON_LD_LLD NAMES ld.lld)
  if(SIPHON_LD_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()
