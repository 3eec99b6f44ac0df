/*
 * awp/inventory.h - what is installed on a filesystem: the operating system,
 * OS packages (dpkg, rpm, apk) and language packages (npm, Python, Java, Go,
 * Rust, Ruby, PHP, .NET, conda), each with the file that proves it.
 *
 * An inventory owns all its strings; they live until awp_inventory_free().
 */
#ifndef AWP_INVENTORY_H
#define AWP_INVENTORY_H

#include <awp/fs.h>
#include <awp/walk.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awp_inventory awp_inventory;

/** The operating system (from os-release and older fallbacks). */
typedef struct awp_os_info {
	int known;                 /**< 0: unknown OS (language packages still listed) */
	const char *id;            /**< "debian", "ubuntu", "almalinux", "alpine", "amzn", ... */
	const char *id_like;       /**< "rhel centos fedora", "" */
	const char *version_id;    /**< "12", "22.04", "9.2", "3.18.4" */
	const char *codename;      /**< "bookworm", "" */
	const char *pretty_name;
	const char *source;        /**< the file it came from: "/etc/os-release" */
} awp_os_info;

/** One package. Strings are never NULL ("" when absent). */
typedef struct awp_package {
	const char *type;          /**< "dpkg", "rpm", "apk", "npm", "python", "maven", "go",
	                                "cargo", "gem", "composer", "nuget", "conda" */
	const char *name;
	const char *version;       /**< as the ecosystem compares it (dpkg/rpm: [epoch:]...) */
	const char *source_name;   /**< dpkg Source, rpm source RPM name, apk origin */
	const char *source_version;/**< source package version (dpkg/rpm), "" when none */
	const char *arch;
	const char *path;          /**< the file that proves it (db, package.json, jar, binary) */
	const char *entry;         /**< inside an archive: "lib/x.jar!/META-INF/.../pom.properties", "" */
	const char *manager;       /**< installed by: "dpkg", "rpm", "apk", "npm", "pip", "maven", ... */
	const char *purl;          /**< package URL */
	const char *license;       /**< declared licence, "" */
	const char *vendor;        /**< rpm vendor, ... */
	const char *modularity;    /**< rpm modularity label */
	const char *const *aliases;/**< other names for matching (python name of python3-yaml) */
	size_t alias_count;
	const size_t *deps;        /**< indices of packages this one depends on */
	size_t dep_count;
} awp_package;

/** A problem met while reading the inventory: a file that could not be
 *  parsed, a limit hit. The inventory is otherwise complete. */
typedef struct awp_inventory_warning {
	const char *path;
	const char *message;
} awp_inventory_warning;

/**
 * Called for every entry of the inventory's walk (after the pseudo
 * filesystems /proc, /sys, /dev of a host directory are skipped), so that
 * other scanners share the one walk. `inv` is the inventory being built: its
 * OS packages and their files are known (awp_inventory_owner works), language
 * packages are still being added. Return 0 or a negative error to abort.
 */
typedef int (*awp_inventory_entry_cb)(awp_fs *fs, const awp_walk_entry *e, const awp_inventory *inv, void *payload);

#define AWP_INVENTORY_OPTIONS_VERSION 3
typedef struct awp_inventory_options {
	int version;
	int os_packages;           /**< read dpkg/rpm/apk databases (default 1) */
	int lang_packages;         /**< walk the filesystem for language packages (default 1) */
	/* version 2 */
	awp_inventory_entry_cb on_entry; /**< may be NULL; needs lang_packages (the walk) */
	void *entry_payload;
	/* version 3 */
	int file_digests;          /**< keep the databases' digests of package files
	                                (awp_inventory_owner's `digest`; default 1).
	                                0 skips what only they need: dpkg's md5sums
	                                files where .list files give ownership. */
} awp_inventory_options;
#define AWP_INVENTORY_OPTIONS_INIT {AWP_INVENTORY_OPTIONS_VERSION, 1, 1, NULL, NULL, 1}

/**
 * Read the inventory of a filesystem (normally a target's root).
 * @param opts  NULL for defaults
 * @return 0 (problems with single files are warnings), or an error when
 *         nothing could be read
 */
AWP_EXTERN int awp_inventory_collect(awp_inventory **out, awp_fs *fs, const awp_inventory_options *opts);
AWP_EXTERN void awp_inventory_free(awp_inventory *inv);

AWP_EXTERN const awp_os_info *awp_inventory_os(const awp_inventory *inv);
AWP_EXTERN size_t awp_inventory_count(const awp_inventory *inv);
AWP_EXTERN const awp_package *awp_inventory_get(const awp_inventory *inv, size_t i);
AWP_EXTERN size_t awp_inventory_warning_count(const awp_inventory *inv);
AWP_EXTERN const awp_inventory_warning *awp_inventory_warning_get(const awp_inventory *inv, size_t i);

/**
 * The package that installed `path` (dpkg .list, rpm file list, apk files),
 * as an index, or -1. On a merged-/usr filesystem (/bin a link to usr/bin,
 * and so on) /usr/bin/x and /bin/x are one file and either name finds it. `digest` (may be NULL) receives the package
 * database's digest of the file ("md5:...", "sha256:..."), "" when none.
 */
AWP_EXTERN long awp_inventory_owner(const awp_inventory *inv, const char *path, const char **digest);
/** Number of files owned by OS packages. */
AWP_EXTERN size_t awp_inventory_owned_file_count(const awp_inventory *inv);

#ifdef __cplusplus
}
#endif
#endif
