/*
 * Cryptocurrency miner binaries (scope "elf"). Facts from the XMRig source
 * and public cryptojacking reports, as in cryptominers.yar.
 */

rule Cryptominer_Binary
{
    meta:
        needs_strings = true
        description = "ELF binary with cryptocurrency miner strings (XMRig, stratum pool protocol)"
        source = "XMRig source and public cryptojacking reports (Trend Micro, Aqua 2020-2023): stratum protocol strings and RandomX/CryptoNight algorithm names inside miner binaries"
        severity = "high"
        kind = "malware"
        remediation = "Remove the binary and whatever starts it (cron, systemd, rc files); investigate how it got there."
        scope = "elf"
    strings:
        $xmrig1 = "xmrig" ascii
        $xmrig2 = "XMRig" ascii
        $stratum1 = "stratum+tcp://" ascii
        $stratum2 = "stratum+ssl://" ascii
        $algo1 = "cryptonight" ascii
        $algo2 = "RandomX" ascii
        $json1 = "mining.subscribe" ascii
        $json2 = "mining.submit" ascii
        $donate = "donate-level" ascii
    condition:
        uint32(0) == 0x464c457f and 3 of them
}
