-- id: ram_share_external
-- title: Resource share opened to principals outside the organization
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0010
-- techniques: T1537
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A Resource Access Manager share was created or changed to allow principals outside
--   the organization: subnets, Transit Gateways, license configurations or other resources can be
--   shared with any account. Only successful calls count. Dedup: one finding per account, resource,
--   actor per day. Benign look-alikes: shares limited to the organization (allowExternalPrincipals
--   false) are not reported; shares with partners are, so list them.
-- remediation: Set allowExternalPrincipals to false (ram update-resource-share) and review the
--   share's associated principals.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://docs.aws.amazon.com/ram/latest/userguide/working-with-sharing-create.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.name'), json_extract_scalar(requestparameters, '$.resourceShareArn'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ram.amazonaws.com'
  AND eventname IN ('CreateResourceShare', 'UpdateResourceShare')
  AND json_extract_scalar(requestparameters, '$.allowExternalPrincipals') = 'true'
  AND errorcode IS NULL
