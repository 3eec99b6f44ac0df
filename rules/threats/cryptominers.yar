/*
 * Cryptocurrency miners dropped by intrusions. Facts from the XMRig
 * documentation (config.json keys "donate-level", "randomx", "pools"; the
 * stratum+tcp / stratum+ssl pool URL scheme) and from public incident
 * reports on cloud cryptojacking (Aqua Nautilus, Trend Micro, Cado Security
 * 2020-2023: XMRig builds renamed to look like system daemons, pool URLs on
 * miner command lines in cron and systemd units).
 */
rule Cryptominer_XMRig_Config
{
    meta:
        needs_strings = true
        description = "XMRig-style miner configuration (donate-level with pools or RandomX settings)"
        source = "XMRig configuration documentation (xmrig.com/docs/miner/config): keys donate-level, randomx, pools"
        severity = "high"
        kind = "malware"
        remediation = "Find the process or unit that starts the miner, remove it and its persistence, and rotate credentials on the host: miners are usually dropped after a compromise."
        scope = "any"
        max_filesize = 1048576
    strings:
        $donate = "\"donate-level\"" ascii
        $randomx = "\"randomx\"" ascii
        $pools = "\"pools\"" ascii
        $nicehash = "\"nicehash\"" ascii
    condition:
        filesize < 1MB and $donate and ($randomx or $pools or $nicehash)
}

rule Cryptominer_Pool_Command_Line
{
    meta:
        needs_strings = true
        description = "script or unit starting a miner against a stratum pool"
        source = "public cryptojacking reports (Cado Security, Trend Micro 2020-2023): miners launched with -o stratum+tcp://pool:port from cron or systemd"
        severity = "high"
        kind = "persistence"
        remediation = "Remove the entry that starts the miner, kill the miner process, and look for how the attacker got in."
        scope = "not-elf"
        max_filesize = 1048576
    strings:
        $url1 = "stratum+tcp://" ascii
        $url2 = "stratum+ssl://" ascii
        $url3 = "stratum+tls://" ascii
    condition:
        any of them and filesize < 1MB and uint32(0) != 0x464c457f
}
