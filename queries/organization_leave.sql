-- id: organization_leave
-- title: Account tried to leave the AWS Organization
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.001
-- resource: resource
-- resource_type: AwsAccount
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: LeaveOrganization removes the account from every service control policy,
--   organisation trail and delegated security service at once (Stratus organizations-leave).
--   Attempts count too, denied or not: a denied attempt (AccessDenied, as in the Stratus log) still
--   shows intent. Benign look-alike: RemoveAccountFromOrganization by the management account is a
--   normal administrative action and is not reported.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: If the account left, invite it back and re-apply SCPs and organisation trails;
--   investigate the principal, which held credentials able to try this.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://stratus-red-team.cloud/attack-techniques/AWS/aws.defense-evasion.organizations-leave/

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       recipientaccountid AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'organizations.amazonaws.com'
  AND eventname = 'LeaveOrganization'
