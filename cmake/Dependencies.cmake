# Every dependency comes from a Debian package; README.md says why each is there.
find_package(PkgConfig REQUIRED)
find_package(ZLIB REQUIRED)                      # HEP 0x0010 compressed payloads
pkg_check_modules(PCAP REQUIRED IMPORTED_TARGET libpcap)   # pcap/pcapng files, live capture
find_package(nlohmann_json 3 REQUIRED)           # JSON output of records
find_package(fmt REQUIRED)                       # formatting in the CLI
find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED) # command-line parsing
if(SIPHON_TESTS)
  find_package(GTest REQUIRED)
endif()
if(SIPHON_BENCH)
  find_package(benchmark REQUIRED)
endif()
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)  # HTTP API and `siphon ctl`
find_package(OpenSSL 3 REQUIRED)                 # HEP over TLS
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)  # PostgreSQL sink and search (db_url = postgres://)
pkg_check_modules(MARIADB REQUIRED IMPORTED_TARGET libmariadb)  # MySQL/MariaDB sink and search (mysql://)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)  # ClickHouse sink and search over HTTP (clickhouse://)
# The siphon binary's allocator. The collector allocates a record on its receiving thread and
# frees it on the store's; glibc's malloc then takes the arena's slow paths for both (the
# per-thread caches fill on one side and stay empty on the other), about a tenth of the
# collector's CPU at 200k msg/s. Not with a sanitizer, which brings its own.
if(NOT SIPHON_SANITIZE)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()
