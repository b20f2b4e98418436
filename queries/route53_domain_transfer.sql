-- id: route53_domain_transfer
-- title: Route 53 domain transferred out or its lock removed
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0040, TA0042
-- techniques: T1584.001
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A registered domain was offered to another AWS account, or its transfer lock removed
--   (the step before a transfer to another registrar): losing the domain hands over mail, websites
--   and the password resets that go through them. Only successful calls count. Dedup: one finding
--   per account, resource, actor per day. Benign look-alikes: enabling the lock, renewals and
--   contact updates are not reported; planned registrar moves are, so check with the domain owner.
-- remediation: Cancel the transfer (route53domains cancel-domain-transfer-to-another-aws-account),
--   enable the transfer lock, and contact AWS support.
-- references: https://attack.mitre.org/techniques/T1584/001/
-- references: https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/domain-transfer-between-aws-accounts.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.domainName'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'route53domains.amazonaws.com'
  AND eventname IN ('TransferDomainToAnotherAwsAccount', 'DisableDomainTransferLock', 'TransferDomain')
  AND errorcode IS NULL
