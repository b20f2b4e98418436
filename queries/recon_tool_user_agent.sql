-- id: recon_tool_user_agent
-- title: Credentials used by a secret-scanning or attack tool
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0007, TA0006
-- techniques: T1087.004, T1552.001, T1580
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A call, typically sts GetCallerIdentity, came with the user agent of a secret scanner
--   that verifies leaked keys (TruffleHog, Gitleaks), of an AWS attack framework (Pacu, CloudFox,
--   enumerate-iam, WeirdAAL, aws_consoler, S3Scanner, Nuclei), or of a penetration-testing
--   distribution (Kali, Parrot, Pentoo): someone is testing or exploiting the credentials. A user
--   agent can be changed, so absence proves nothing; presence is strong. Failed calls count too.
--   Dedup: one finding per account, resource, actor per day. Benign look-alikes: the AWS CLI, SDKs,
--   Terraform and the console are not reported; the security team's own authorised tests are, so
--   check them against the test calendar.
-- remediation: Treat the credentials as leaked: deactivate the access key, find where it was exposed
--   (repositories, CI logs), and review everything it did.
-- references: https://attack.mitre.org/techniques/T1087/004/
-- references: https://attack.mitre.org/techniques/T1552/001/
-- references: https://attack.mitre.org/techniques/T1580/
-- references: https://github.com/trufflesecurity/trufflehog
-- references: https://github.com/RhinoSecurityLabs/pacu

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       regexp_extract(lower(useragent), '(trufflehog|pacu|cloudfox|enumerate-iam|weirdaal|aws_consoler|s3scanner|nuclei|kali|parrot|pentoo|cloudbrute|awspx|aws-enumerator|gitleaks)', 1) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE useragent IS NOT NULL
  AND regexp_like(lower(useragent), '(trufflehog|pacu|cloudfox|enumerate-iam|weirdaal|aws_consoler|s3scanner|nuclei|kali|parrot|pentoo|cloudbrute|awspx|aws-enumerator|gitleaks)')
