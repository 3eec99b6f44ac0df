/*
 * Java analyzer on archives made with python3's zipfile: pom.properties,
 * MANIFEST.MF and file name fallbacks, wars and ears with nested jars (two
 * levels), and hostile ones: a nested zip bomb, 100,001 entries, nesting
 * deeper than the limit, garbage and a truncated jar (a deflated one: a
 * truncated *stored* war may end inside a nested jar, whose end record then
 * makes it that jar, as for any zip reader). Each hostile file is a
 * warning naming it; everything else is still found.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/inventory.h>

#include <stdlib.h>
#include <time.h>

static const char script[] =
	"import io, zipfile, os\n"
	"def jar(entries, path=None, method=zipfile.ZIP_DEFLATED):\n"
	"    b = io.BytesIO()\n"
	"    with zipfile.ZipFile(b, 'w', method) as z:\n"
	"        for n, d in entries:\n"
	"            z.writestr(n, d)\n"
	"    if path:\n"
	"        os.makedirs(os.path.dirname(path), exist_ok=True)\n"
	"        open(path, 'wb').write(b.getvalue())\n"
	"    return b.getvalue()\n"
	"def pom(g, a, v):\n"
	"    return ('META-INF/maven/%s/%s/pom.properties' % (g, a), '#Generated\\n#date\\ngroupId=%s\\nartifactId=%s\\nversion = %s\\n' % (g, a, v))\n"
	"mf = ('META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\\r\\nCreated-By: test\\r\\n\\r\\n')\n"
	"jar([mf, pom('org.apache.logging.log4j', 'log4j-core', '2.14.1'), ('org/A.class', 'x' * 1000)], 'opt/lib/log4j-core-2.14.1.jar')\n"
	"inner = jar([pom('com.acme', 'inner', '1.0')])\n"
	"plain = jar([('x.txt', 'hi')])\n"
	"osgi = jar([('META-INF/MANIFEST.MF', 'Manifest-Version: 1.0\\nBundle-SymbolicName: org.foo.ba\\n r;singleton:=true\\nBundle-Version: 1.2.3\\n\\nName: x\\nBundle-Version: 9\\n')])\n"
	"war = jar([pom('com.acme', 'app', '5.0'), ('WEB-INF/lib/inner-1.0.jar', inner), ('WEB-INF/lib/plain-lib-2.3.4.jar', plain), ('WEB-INF/lib/osgi.jar', osgi)], 'opt/app.war', zipfile.ZIP_STORED)\n"
	"deepwar = jar([('WEB-INF/lib/deep.jar', jar([pom('com.deep', 'deep', '3.0')]))])\n"
	"jar([('lib/app.war', deepwar), ('META-INF/application.xml', '<application/>')], 'opt/app.ear')\n"
	"jar([('META-INF/MANIFEST.MF', 'Implementation-Title: tool\\nImplementation-Version: 0.9\\nImplementation-Vendor-Id: org.tools\\n')], 'opt/lib/tool.jar')\n"
	"jar([('a.txt', 'a')], 'opt/lib/noinfo.jar')\n"
	"jar([('a.txt', 'a')], 'opt/lib/exec-1.0.jar')\n"
	"os.chmod('opt/lib/exec-1.0.jar', 0o755)\n"
	"b = io.BytesIO()\n"
	"with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:\n"
	"    z.writestr(*pom('com.bomb', 'bomb', '1'))\n"
	"    with z.open('WEB-INF/lib/zeros.jar', 'w') as w:\n"
	"        chunk = bytes(1 << 20)\n"
	"        for i in range(80): w.write(chunk)\n"
	"    z.writestr('WEB-INF/lib/after.jar', inner)\n"
	"os.makedirs('opt/bomb', exist_ok=True)\n"
	"open('opt/bomb/big.jar', 'wb').write(b.getvalue())\n"
	"b = io.BytesIO()\n"
	"with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED) as z:\n"
	"    z.writestr(*pom('com.bomb', 'bomb', '1'))\n"
	"    z.writestr('WEB-INF/lib/zeros.jar', bytes(40 << 20))\n"
	"    z.writestr('WEB-INF/lib/after.jar', inner)\n"
	"open('opt/bomb/bomb.jar', 'wb').write(b.getvalue())\n"
	"with zipfile.ZipFile('opt/bomb/many.jar', 'w', zipfile.ZIP_STORED) as z:\n"
	"    z.writestr(*pom('com.many', 'many', '1'))\n"
	"    for i in range(100001): z.writestr('e%d' % i, '')\n"
	"d = jar([pom('com.d5', 'd5', '5')])\n"
	"for i in range(5): d = jar([('l%d.jar' % i, d)])\n"
	"open('opt/bomb/deep.jar', 'wb').write(d)\n"
	"os.makedirs('opt/bad', exist_ok=True)\n"
	"open('opt/bad/corrupt.jar', 'wb').write(os.urandom(3000))\n"
	"whole = open('opt/lib/log4j-core-2.14.1.jar', 'rb').read()\n"
	"open('opt/bad/truncated.jar', 'wb').write(whole[:len(whole) // 2])\n";

static const awp_package *get(const awp_inventory *inv, const char *name, const char *version, const char *path,
			      const char *entry)
{
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->name, name) == 0 && strcmp(p->version, version) == 0 && strcmp(p->path, path) == 0 &&
		    strcmp(p->entry, entry) == 0)
			return p;
	}
	char d[768];
	snprintf(d, sizeof d, "%s %s at %s entry %s", name, version, path, entry);
	CHECK_MSG(0, d);
	return NULL;
}

static int warned(const awp_inventory *inv, const char *path, const char *text)
{
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++) {
		const awp_inventory_warning *w = awp_inventory_warning_get(inv, i);
		if (strcmp(w->path, path) == 0 && strstr(w->message, text))
			return 1;
	}
	char d[512];
	snprintf(d, sizeof d, "warning about %s: %s", path, text);
	CHECK_MSG(0, d);
	return 0;
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(test_sh("cd %s && python3 - <<'PYEOF'\n%sPYEOF", dir, script) == 0);
	awp_fs *fs = NULL;
	awp_inventory *inv = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, dir));
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!inv)
		return;
	printf("# collect: %.3f s\n", (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++)
		printf("# warning: %s: %s\n", awp_inventory_warning_get(inv, i)->path,
		       awp_inventory_warning_get(inv, i)->message);
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		printf("# %s %s %s %s %s\n", p->type, p->name, p->version, p->path, p->entry);
	}
	const awp_package *l = get(inv, "org.apache.logging.log4j:log4j-core", "2.14.1", "/opt/lib/log4j-core-2.14.1.jar",
				   "META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties");
	if (l) {
		CHECK_EQ_STR(l->type, "maven");
		CHECK_EQ_STR(l->manager, "maven");
	}
	get(inv, "com.acme:app", "5.0", "/opt/app.war", "META-INF/maven/com.acme/app/pom.properties");
	get(inv, "com.acme:inner", "1.0", "/opt/app.war",
	    "WEB-INF/lib/inner-1.0.jar!/META-INF/maven/com.acme/inner/pom.properties");
	get(inv, "plain-lib", "2.3.4", "/opt/app.war", "WEB-INF/lib/plain-lib-2.3.4.jar");
	get(inv, "org.foo.bar", "1.2.3", "/opt/app.war", "WEB-INF/lib/osgi.jar!/META-INF/MANIFEST.MF");
	get(inv, "com.deep:deep", "3.0", "/opt/app.ear",
	    "lib/app.war!/WEB-INF/lib/deep.jar!/META-INF/maven/com.deep/deep/pom.properties");
	get(inv, "org.tools:tool", "0.9", "/opt/lib/tool.jar", "META-INF/MANIFEST.MF");
	get(inv, "exec", "1.0", "/opt/lib/exec-1.0.jar", "");
	/* Hostile archives: what precedes the limit is kept. */
	get(inv, "com.bomb:bomb", "1", "/opt/bomb/bomb.jar", "META-INF/maven/com.bomb/bomb/pom.properties");
	get(inv, "com.many:many", "1", "/opt/bomb/many.jar", "META-INF/maven/com.many/many/pom.properties");
	warned(inv, "/opt/bomb/bomb.jar", "zip bomb");
	warned(inv, "/opt/bomb/big.jar", "larger than 64 MiB");
	get(inv, "com.bomb:bomb", "1", "/opt/bomb/big.jar", "META-INF/maven/com.bomb/bomb/pom.properties");
	get(inv, "com.acme:inner", "1.0", "/opt/bomb/big.jar",
	    "WEB-INF/lib/after.jar!/META-INF/maven/com.acme/inner/pom.properties");
	warned(inv, "/opt/bomb/many.jar", "more than 100000 archive entries");
	warned(inv, "/opt/bomb/deep.jar", "nested deeper than 4");
	warned(inv, "/opt/bad/corrupt.jar", "");
	warned(inv, "/opt/bad/truncated.jar", "");
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		CHECK(strcmp(p->path, "/opt/lib/noinfo.jar") != 0);
		CHECK(strcmp(p->name, "com.d5:d5") != 0);
	}
	awp_inventory_free(inv);
	awp_fs_free(fs);
	test_rmtree(dir);
	free(dir);
}
