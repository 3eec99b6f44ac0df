/*
 * EICAR anti-malware test file. The 68-byte string is published by EICAR
 * (https://www.eicar.org/download-anti-malware-testfile/); the standard lets
 * it be followed by whitespace up to 128 bytes in all.
 */
rule EICAR_Test_File
{
    meta:
        needs_strings = true
        description = "EICAR standard anti-malware test file"
        source = "EICAR test file specification, eicar.org"
        severity = "medium"
        kind = "malware"
        remediation = "A harmless test file that every scanner flags; remove it unless it was planted on purpose to test detection."
        scope = "any"
        max_filesize = 128
    strings:
        $eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
    condition:
        $eicar at 0 and filesize <= 128
}
