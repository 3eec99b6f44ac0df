/*
 * LD_PRELOAD rootkits: a shared object listed in /etc/ld.so.preload that
 * hooks libc functions to hide files, processes and connections. Facts from
 * public analyses of Jynx2, Azazel, Vlany, Father, Symbiote (Intezer/
 * BlackBerry 2022) and the Kinsing/TeamTNT preload hiders: the object names
 * /etc/ld.so.preload (to protect or re-add itself), resolves the real
 * function with dlsym(RTLD_NEXT, ...) and exports hooks such as readdir64,
 * fopen64, __lxstat, pcap_loop, pam_authenticate.
 */
rule Rootkit_LD_PRELOAD_Hooks
{
    meta:
        needs_strings = true
        description = "shared object referencing /etc/ld.so.preload with libc hooking symbols (LD_PRELOAD rootkit)"
        source = "Jynx2/Azazel/Vlany source analyses and Intezer/BlackBerry 'Symbiote' report (2022): /etc/ld.so.preload + dlsym hooks on readdir, stat, fopen, pcap, PAM"
        severity = "critical"
        kind = "malware"
        remediation = "Empty /etc/ld.so.preload, remove the object, and rebuild the host: a rootkit hides other compromise."
        scope = "elf"
        max_filesize = 5242880
    strings:
        $preload = "/etc/ld.so.preload" ascii
        $h1 = "readdir64" ascii
        $h2 = "fopen64" ascii
        $h3 = "__lxstat" ascii
        $h4 = "pcap_loop" ascii
        $h5 = "pam_authenticate" ascii
        $h6 = "__xstat64" ascii
        $ldso = "LD_LIBRARY_PATH" ascii
    condition:
        uint32(0) == 0x464c457f and filesize < 5MB and $preload and 3 of ($h*) and not $ldso
}
