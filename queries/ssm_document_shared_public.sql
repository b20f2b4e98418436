-- id: ssm_document_shared_public
-- title: SSM document shared publicly or with another account
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0010, TA0006
-- techniques: T1537, T1552
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: An SSM document was shared with "All" (public) or with other accounts: documents
--   often embed scripts, addresses and credentials, and a public one can be run by anyone. Every
--   account added is read. Only successful calls count. Dedup: one finding per account, resource,
--   actor per day. Benign look-alikes: removing shares (accountIdsToRemove only) is not reported;
--   sharing with your other accounts is, so list them.
-- remediation: Remove the share (ssm modify-document-permission --account-ids-to-remove All) and
--   rotate any secret the document contains.
-- references: https://attack.mitre.org/techniques/T1537/
-- references: https://attack.mitre.org/techniques/T1552/
-- references: https://docs.aws.amazon.com/systems-manager/latest/userguide/documents-ssm-sharing.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.name'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'ssm.amazonaws.com'
  AND eventname = 'ModifyDocumentPermission'
  AND json_extract(requestparameters, '$.accountIdsToAdd') IS NOT NULL
  AND array_join(array_distinct(regexp_extract_all(json_format(json_extract(requestparameters, '$.accountIdsToAdd')), '"([^"]+)"', 1)), ',') NOT IN ('', recipientaccountid)
  AND errorcode IS NULL
