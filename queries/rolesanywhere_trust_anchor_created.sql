-- id: rolesanywhere_trust_anchor_created
-- title: IAM Roles Anywhere trust anchor or profile created
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0003
-- techniques: T1098.003
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A Roles Anywhere trust anchor (a certificate authority whose certificates may obtain
--   AWS credentials) or profile was created or changed: anyone holding a certificate of that CA can
--   assume the profile's roles from outside AWS (Stratus rolesanywhere-create-trust-anchor). Only
--   successful calls count. Benign look-alike: Terraform/CloudFormation are skipped.
--   Dedup: one finding per account and actor per day, whatever the number of targets (one
--   detonation, one finding; the evidence lists the first targets).
-- remediation: Check the CA in the evidence belongs to you; otherwise delete the trust anchor and
--   profile and review the roles they name.
-- references: https://attack.mitre.org/techniques/T1098/003/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.rolesanywhere-create-trust-anchor/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.name'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'rolesanywhere.amazonaws.com'
  AND eventname IN ('CreateTrustAnchor', 'CreateProfile', 'UpdateTrustAnchor')
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
