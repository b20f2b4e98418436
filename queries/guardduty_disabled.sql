-- id: guardduty_disabled
-- title: GuardDuty detector deleted, suspended or cut off from the administrator
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0005
-- techniques: T1562.001
-- resource: resource
-- resource_type: AwsGuardDutyDetector
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: GuardDuty was switched off in an account or region (DeleteDetector, UpdateDetector
--   with enable false), a member was cut off from the administrator account, or a trusted IP list
--   was activated (CreateIPSet/UpdateIPSet: findings from those addresses are silenced). Only
--   successful calls count. Benign look-alikes: UpdateDetector that only changes the publishing
--   frequency (enable absent or true) and Terraform/CloudFormation teardown of test accounts are
--   skipped.
--   Dedup: one finding per account, resource, actor per day.
-- remediation: Re-enable the detector (update-detector --enable), re-associate the member, review
--   the trusted IP list, and check what happened in the account while GuardDuty was blind.
-- references: https://attack.mitre.org/techniques/T1562/001/
-- references: https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_suspend-disable.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.detectorId'), recipientaccountid) AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'guardduty.amazonaws.com'
  AND (eventname IN ('DeleteDetector', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount',
                     'StopMonitoringMembers', 'DeleteMembers', 'DisassociateMembers', 'DeletePublishingDestination')
       OR (eventname = 'UpdateDetector' AND json_extract_scalar(requestparameters, '$.enable') = 'false')
       OR (eventname IN ('CreateIPSet', 'UpdateIPSet') AND json_extract_scalar(requestparameters, '$.activate') = 'true'))
  AND errorcode IS NULL
  AND coalesce(useragent, '') NOT LIKE '%Terraform%' AND coalesce(useridentity.invokedby, '') <> 'cloudformation.amazonaws.com'
