-- id: glue_dev_endpoint_ssh_key
-- title: Glue development endpoint created or given an SSH key
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0004, TA0003
-- techniques: T1098.004, T1078.004
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A Glue development endpoint was created, or an SSH public key added to one: with SSH
--   to the endpoint, anyone holding the key runs code as the endpoint's IAM role, a documented
--   privilege escalation (iam:PassRole with glue:CreateDevEndpoint or glue:UpdateDevEndpoint). Only
--   successful calls count. Dedup: one finding per account, resource, actor per day. Benign
--   look-alikes: updates that change only arguments or libraries are not reported; data engineers
--   creating endpoints for notebooks are, so list them.
-- remediation: Check the role and key against the data team; otherwise delete the endpoint (glue
--   delete-dev-endpoint) and review the role's activity.
-- references: https://attack.mitre.org/techniques/T1098/004/
-- references: https://attack.mitre.org/techniques/T1078/004/
-- references: https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.endpointName'), json_extract_scalar(requestparameters, '$.EndpointName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'glue.amazonaws.com'
  AND errorcode IS NULL
  AND (eventname = 'CreateDevEndpoint'
       OR (eventname = 'UpdateDevEndpoint' AND regexp_like(requestparameters, '"(publicKey|PublicKey|addPublicKeys|AddPublicKeys)"')))
