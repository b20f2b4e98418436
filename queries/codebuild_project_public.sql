-- id: codebuild_project_public
-- title: CodeBuild project made public
-- severity: HIGH
-- table: cloudtrail
-- tactics: TA0010, TA0006
-- techniques: T1567, T1552.001
-- resource: resource
-- resource_type: Other
-- actor: actor
-- account: account
-- region: region
-- time: eventtime
-- dedup: account, resource, actor
-- window: 24h
-- evidence: eventtime, eventname, actor, sourceipaddress, useragent, errorcode, requestparameters
-- description: A CodeBuild project's build results (logs and artifacts) were made readable by
--   anyone: build logs often print secrets and environment variables. Only successful calls count.
--   Dedup: one finding per account, resource, actor per day. Benign look-alikes: setting a project
--   back to PRIVATE is not reported; open-source projects published on purpose are, so list them.
-- remediation: Set the visibility back (codebuild update-project-visibility --project-visibility
--   PRIVATE), rotate any secret the build logs show, and review who read them.
-- references: https://attack.mitre.org/techniques/T1567/
-- references: https://attack.mitre.org/techniques/T1552/001/
-- references: https://docs.aws.amazon.com/codebuild/latest/userguide/public-builds.html

SELECT eventtime, eventsource, eventname,
       coalesce(useridentity.arn, useridentity.invokedby, useridentity.principalid) AS actor,
       recipientaccountid AS account, awsregion AS region,
       coalesce(json_extract_scalar(requestparameters, '$.projectArn'), 'unknown') AS resource,
       sourceipaddress, useragent, errorcode, requestparameters, "$path"
FROM cloudtrail_logs
WHERE eventsource = 'codebuild.amazonaws.com'
  AND eventname = 'UpdateProjectVisibility'
  AND json_extract_scalar(requestparameters, '$.projectVisibility') = 'PUBLIC_READ'
  AND errorcode IS NULL
