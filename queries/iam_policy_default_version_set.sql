-- id: iam_policy_default_version_set
-- title: Managed policy rolled to another version
-- severity: MEDIUM
-- table: cloudtrail
-- tactics: TA0004
-- techniques: T1098.003
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A customer managed policy was switched to another existing version
--   (SetDefaultPolicyVersion): a known privilege escalation, rolling a policy back to an older,
--   wider version without writing a new document. Only successful calls count. Dedup: one finding
--   per account, resource, actor per day. Benign look-alikes: new versions created as default by
--   infrastructure as code (CreatePolicyVersion) are not reported here; rollbacks by the IAM team
--   after a bad change are, so check the change records.
-- remediation: Compare the version's document with the previous default; set the right version back
--   and review what the policy's principals did.
-- references: https://attack.mitre.org/techniques/T1098/003/
-- references: https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.policyArn'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'iam.amazonaws.com'
  AND eventname = 'SetDefaultPolicyVersion'
  AND errorcode IS NULL
