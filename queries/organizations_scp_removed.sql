-- id: organizations_scp_removed
-- title: Service control policy detached or deleted
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.001, T1484
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A service control policy was detached from an account, OU or root, deleted, or the
--   SCP policy type disabled: the guardrails that stop member accounts from leaving the
--   organization, disabling CloudTrail or using unapproved regions are gone. Only successful calls
--   count. Dedup: one finding per account, resource, actor per day. Benign look-alikes: attaching
--   policies and creating them are not reported; the platform team replacing an SCP (detach then
--   attach) is, so check the change records.
-- remediation: Re-attach the policy and review what the affected accounts did while it was missing.
-- references: https://attack.mitre.org/techniques/T1484/
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.policyId'), json_extract_scalar(requestparameters, '$.rootId'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'organizations.amazonaws.com'
  AND eventname IN ('DetachPolicy', 'DeletePolicy', 'DisablePolicyType')
  AND errorcode IS NULL
