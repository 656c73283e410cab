<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>AzureActions</name>
    <message numerus="yes">
        <location filename="../../ui/azure_actions.py" line="363"/>
        <source>Removed the Azure account {0} and its %n workspaces</source>
        <translation>
            <numerusform>Removed the Azure account {0} and its workspace</numerusform>
            <numerusform>Removed the Azure account {0} and its %n workspaces</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RemoveAccountDialog</name>
    <message numerus="yes">
        <location filename="../../ui/azure_dialogs.py" line="792"/>
        <source>Remove the Azure account {0} and its %n workspaces?</source>
        <translation>
            <numerusform>Remove the Azure account {0} and its workspace?</numerusform>
            <numerusform>Remove the Azure account {0} and its %n workspaces?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/azure_dialogs.py" line="796"/>
        <source>tbdesk signs out of it (forgetting its client secret and its tokens) and forgets its %n workspaces ({0}): to read them again you would sign in and add each one again. Nothing changes in Azure. To sign out and keep the workspaces, use Sign out.</source>
        <translation>
            <numerusform>tbdesk signs out of it (forgetting its client secret and its tokens) and forgets its workspace ({0}): to read it again you would sign in and add it again. Nothing changes in Azure. To sign out and keep the workspace, use Sign out.</numerusform>
            <numerusform>tbdesk signs out of it (forgetting its client secret and its tokens) and forgets its %n workspaces ({0}): to read them again you would sign in and add each one again. Nothing changes in Azure. To sign out and keep the workspaces, use Sign out.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>RunActions</name>
    <message numerus="yes">
        <location filename="../../ui/run_actions.py" line="425"/>
        <source>Downloaded %Ln files to {0}</source>
        <translation>
            <numerusform>Downloaded %Ln file to {0}</numerusform>
            <numerusform>Downloaded %Ln files to {0}</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/run_actions.py" line="449"/>
        <source>Copied %n run ids</source>
        <translation>
            <numerusform>Copied run id</numerusform>
            <numerusform>Copied run ids</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>TaskRunner</name>
    <message numerus="yes">
        <location filename="../../ui/tasks.py" line="228"/>
        <source> (+%n more)</source>
        <translation>
            <numerusform> (+%n more)</numerusform>
            <numerusform> (+%n more)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>_Counts</name>
    <message numerus="yes">
        <location filename="../../ui/locale_text.py" line="18"/>
        <source>%Ln runs</source>
        <translation>
            <numerusform>%Ln run</numerusform>
            <numerusform>%Ln runs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/locale_text.py" line="21"/>
        <source>%Ln points</source>
        <translation>
            <numerusform>%Ln point</numerusform>
            <numerusform>%Ln points</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/locale_text.py" line="24"/>
        <source>%Ln files</source>
        <translation>
            <numerusform>%Ln file</numerusform>
            <numerusform>%Ln files</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/locale_text.py" line="27"/>
        <source>%Ln TensorBoard processes</source>
        <translation>
            <numerusform>%Ln TensorBoard process</numerusform>
            <numerusform>%Ln TensorBoard processes</numerusform>
        </translation>
    </message>
</context>
</TS>
